import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetLLM
import GuichetPipelines
import GuichetStore
import GuichetTestSupport
import Logging

/// A sandbox (Watch/Output/state, real SQLite) wired to a real fake OpenAI server on 127.0.0.1.
final class PipelineHarness: @unchecked Sendable {
    let root: URL
    var configuration: GuichetConfiguration
    let layout: StateLayout
    let store: SQLiteJobStore
    let server: FakeOpenAIServer
    let logger = Logger(label: "test")

    init(behavior: @escaping FakeOpenAIServer.Behavior = FakeResponse.echo, _ edit: (inout GuichetConfiguration) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-pipe-\(UUID().uuidString)")
        server = try FakeOpenAIServer(behavior: behavior)
        server.start()
        var c = GuichetConfiguration()
        c.watchDir = root.appendingPathComponent("Watch").path
        c.outputDir = root.appendingPathComponent("Output").path
        c.stateDir = root.appendingPathComponent("state").path
        c.llm.backend = .remote
        c.llm.url = server.baseURL
        c.llm.model = "fake-model"
        c.llm.maxAttempts = 2
        c.llm.requestTimeout = 5
        c.llm.retryDelay = 60
        c.limits.minFreeBytes = 0
        edit(&c)
        configuration = c
        layout = StateLayout(c)
        try layout.createDirectories(for: c.pipelines)
        store = try SQLiteJobStore(path: layout.databasePath)
    }

    deinit { server.stop() }

    func client() -> CurlChatClient {
        var c = LLMClientConfiguration(baseURL: configuration.llm.url)
        c.maxAttempts = configuration.llm.maxAttempts
        c.requestTimeout = configuration.llm.requestTimeout
        c.initialBackoff = 0.01
        c.maxBackoff = 0.05
        c.maxConcurrentRequests = configuration.llm.maxConcurrentRequests
        return CurlChatClient(configuration: c, logger: logger)
    }

    func runner(settings: ProcessorSettings? = nil) -> JobRunner {
        JobRunner(configuration: configuration, layout: layout, store: store, client: client(), settings: settings, logger: logger)
    }

    /// Drops a file, takes it in and claims it, as the daemon would.
    func claim(_ name: String, _ data: Data, folder: String = "translate", sub: [String] = []) async throws -> Job {
        var dir = layout.watchDir.appendingPathComponent(folder)
        for s in sub { dir.appendPathComponent(s) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        let intake = Intake(configuration: configuration, layout: layout, store: store, logger: logger)
        guard case .queued = await intake.take(DroppedFile(url: url, pipelineFolder: folder, subfolders: sub)) else {
            throw GuichetError(.internalError, "not queued")
        }
        guard let job = try await store.claimNextQueued(now: Date()) else { throw GuichetError(.internalError, "nothing to claim") }
        return job
    }

    func claim(_ name: String, _ text: String, folder: String = "translate", sub: [String] = []) async throws -> Job {
        try await claim(name, Data(text.utf8), folder: folder, sub: sub)
    }

    func result(_ job: Job) throws -> String {
        String(decoding: try Data(contentsOf: try layout.stateFile(job.resultPath ?? "")), as: UTF8.self)
    }

    func failedDir(_ folder: String = "translate") -> URL {
        layout.watchDir.appendingPathComponent(folder).appendingPathComponent("_failed")
    }

    static func corpus(_ name: String) throws -> Data {
        try Data(contentsOf: Corpus.url(name))
    }
}

/// The fake model's "transform": upper-cases the chunk it is given (placeholders ⟦n⟧ and
/// Markdown markers survive upper-casing), so every changed byte is traceable.
@Sendable func upperCase(_ r: FakeRequest) -> FakeResponse {
    .chat(content: (r.lastUserMessage ?? "").uppercased(), promptTokens: 7, completionTokens: 11)
}

/// Fenced code blocks of a Markdown text, verbatim.
func fencedBlocks(_ s: String) -> [String] {
    var out: [String] = []
    var cur: [Substring]? = nil
    var fence = ""
    for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
        let t = line.drop(while: { $0 == " " })
        if var c = cur {
            c.append(line)
            if t.hasPrefix(fence) && t.trimmingCharacters(in: .whitespaces).allSatisfy({ $0 == fence.first }) {
                out.append(c.joined(separator: "\n"))
                cur = nil
            } else { cur = c }
        } else if t.hasPrefix("```") || t.hasPrefix("~~~") {
            fence = String(t.prefix(while: { $0 == t.first }))
            cur = [line]
        }
    }
    return out
}
