import Foundation
import GuichetLLM
import GuichetTestSupport
import Logging
import Synchronization
import Testing

/// Collects every log record (message + metadata + source) so tests can assert what is logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at `.trace` that writes into this capture.
    func logger(label: String = "test.guichet.llm") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(capture: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// All records, each rendered as `level message key=value …`.
    var records: [String] {
        lines.withLock { $0 }
    }

    /// Everything ever logged, as one string.
    var allText: String {
        records.joined(separator: "\n")
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) \(label) \(event.message) \(rendered) \(event.source) \(event.function)")
    }
}

/// Starts a fake server with `behavior`.
func makeServer(_ behavior: @escaping FakeOpenAIServer.Behavior = FakeResponse.echo) throws -> FakeOpenAIServer {
    let server = try FakeOpenAIServer(behavior: behavior)
    server.start()
    return server
}

/// A client with small backoffs suitable for tests.
func makeClient(
    _ server: FakeOpenAIServer,
    apiKey: String? = nil,
    requestTimeout: Double = 10,
    maxAttempts: Int = 3,
    initialBackoff: Double = 0.01,
    maxBackoff: Double = 0.05,
    maxConcurrentRequests: Int = 4,
    logger: Logger? = nil
) -> CurlChatClient {
    makeClient(
        baseURL: server.baseURL, apiKey: apiKey, requestTimeout: requestTimeout, maxAttempts: maxAttempts,
        initialBackoff: initialBackoff, maxBackoff: maxBackoff, maxConcurrentRequests: maxConcurrentRequests,
        logger: logger
    )
}

func makeClient(
    baseURL: String,
    apiKey: String? = nil,
    requestTimeout: Double = 10,
    maxAttempts: Int = 3,
    initialBackoff: Double = 0.01,
    maxBackoff: Double = 0.05,
    maxConcurrentRequests: Int = 4,
    logger: Logger? = nil
) -> CurlChatClient {
    let configuration = LLMClientConfiguration(
        baseURL: baseURL, apiKey: apiKey, requestTimeout: requestTimeout, connectTimeout: 2,
        maxAttempts: maxAttempts, initialBackoff: initialBackoff, maxBackoff: maxBackoff,
        maxConcurrentRequests: maxConcurrentRequests
    )
    return CurlChatClient(configuration: configuration, logger: logger ?? Logger(label: "test.quiet") { _ in SwiftLogNoOpLogHandler() })
}

/// A simple request whose last user message is `text`.
func request(_ text: String, model: String = "test-model", jsonMode: Bool = false) -> ChatRequest {
    ChatRequest(model: model, messages: [.system("You are a test."), .user(text)], jsonMode: jsonMode)
}

/// Runs `body`, expecting it to throw an `LLMError`; records an issue otherwise.
func expectLLMError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> ChatCompletion
) async -> LLMError? {
    do {
        let completion = try await body()
        Issue.record("expected an LLMError, got a completion after \(completion.attempts) attempt(s)", sourceLocation: sourceLocation)
        return nil
    } catch let error as LLMError {
        return error
    } catch {
        Issue.record("expected an LLMError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Seconds elapsed while running `body`.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    let elapsed = start.duration(to: clock.now)
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Polls `condition` every 10 ms for up to `timeout` seconds.
func waitUntil(timeout: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
}

/// A TCP port on 127.0.0.1 that nothing listens on (a fake server bound, then stopped).
func closedPort() throws -> Int {
    let server = try FakeOpenAIServer()
    let port = server.port
    server.stop()
    return port
}
