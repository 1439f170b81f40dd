import Foundation
import Logging

/// Log lines as journald reads them best when the daemon runs under systemd (stderr connected
/// to the journal, `JOURNAL_STREAM` set): a `<N>` syslog priority prefix (so `journalctl -p`
/// filters by level), no timestamp of our own (the journal stamps each line), then the
/// message and its metadata as `key=value` pairs, one line per event.
public struct JournaldLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    /// Whether stderr goes to the journal (systemd sets `JOURNAL_STREAM` to its device:inode).
    public static func journalIsStderr(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"], !stream.isEmpty else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return stream == "\(st.st_dev):\(st.st_ino)"
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var line = "<\(Self.priority(event.level))>\(Self.oneLine("\(event.message)"))"
        for (k, v) in all.sorted(by: { $0.key < $1.key }) {
            line += " \(k)=\(Self.quoted(Self.oneLine("\(v)")))"
        }
        write(line + "\n")
    }

    /// A line break inside a message would start a new journal entry without a priority.
    static func oneLine(_ s: String) -> String {
        s.contains(where: \.isNewline) ? s.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ") : s
    }

    static func quoted(_ s: String) -> String {
        s.isEmpty || s.contains(" ") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : s
    }
}
