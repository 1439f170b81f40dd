import Foundation
import GuichetNotify
import Logging
import Synchronization

/// A received message split into unfolded headers and decoded body.
struct ParsedMail {
    var headers: [(name: String, value: String)]
    var rawHeaderBlock: String
    var body: String

    init(_ raw: String) throws {
        guard let split = raw.range(of: "\r\n\r\n") else { throw ParseError.noBlankLine }
        rawHeaderBlock = String(raw[..<split.lowerBound])
        // Unfold: CRLF followed by a space or tab continues the previous header.
        let unfolded = rawHeaderBlock.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        headers = unfolded.components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let encoded = String(raw[split.upperBound...]).replacingOccurrences(of: "\r\n", with: "")
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
            throw ParseError.badBody
        }
        body = text
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The subject with its RFC 2047 words decoded (whitespace between adjacent words dropped).
    var subject: String? { header("Subject").map(Self.decodeWords) }

    static func decodeWords(_ value: String) -> String {
        let pattern = #"=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?="#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return value }
        let text = value as NSString
        var result = ""
        var cursor = 0
        var previousWasWord = false
        for match in regex.matches(in: value, range: NSRange(location: 0, length: text.length)) {
            let between = text.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
            if !(previousWasWord && between.trimmingCharacters(in: .whitespaces).isEmpty) { result += between }
            let base64 = text.substring(with: match.range(at: 1))
            result += Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) } ?? "<bad word>"
            cursor = match.range.location + match.range.length
            previousWasWord = true
        }
        result += text.substring(from: cursor)
        return result
    }

    enum ParseError: Error { case noBlankLine, badBody }
}

/// A source the test changes while the service runs.
final class FakeSource: PendingItemSource {
    private let state = Mutex<(items: [PendingItem], failing: Bool, calls: Int)>(([], false, 0))

    func set(_ items: [PendingItem]) { state.withLock { $0.items = items } }
    func add(_ items: [PendingItem]) { state.withLock { $0.items += items } }
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    var calls: Int { state.withLock { $0.calls } }

    func pendingItems() async throws -> [PendingItem] {
        try state.withLock {
            $0.calls += 1
            if $0.failing { throw NotifyError(.internalError, "store unreadable", remedy: "none") }
            return $0.items
        }
    }
}

/// A channel that records digests and fails while told to.
final class RecordingChannel: NotificationChannel {
    let name: String
    private let state = Mutex<(digests: [Digest], failing: Bool)>(([], false))

    init(name: String = "recording") { self.name = name }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }
    var digests: [Digest] { state.withLock { $0.digests } }

    func deliver(_ digest: Digest) async throws {
        try state.withLock {
            if $0.failing { throw NotifyError(.connectionFailed, "down", remedy: "wait", serverStatus: nil) }
            $0.digests.append(digest)
        }
    }
}

/// Keeps every log record, to check what is logged (and that no secret is).
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        /// Message and metadata as one string, for "never contains" checks.
        var flattened: String { message + " " + metadata.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") }
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func count(_ level: Logger.Level, containing text: String) -> Int {
        all.filter { $0.level == level && $0.message.contains(text) }.count
    }

    func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[key] = "\(value)" }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Items waiting since `minutesAgo` minutes before `now`.
func item(_ id: String, _ pipeline: String = "translate", name: String? = nil, minutesAgo: Double = 5, now: Date = Date()) -> PendingItem {
    PendingItem(id: id, pipeline: pipeline, sourceName: name ?? "\(id).docx", waitingSince: now.addingTimeInterval(-minutesAgo * 60))
}

/// A port on 127.0.0.1 where nothing listens (bound then closed at once).
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
