import Foundation
import GuichetDaemon
import GuichetTestSupport
import Logging
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ s: String) { lock.withLock { stored.append(s) } }
    var lines: [String] { lock.withLock { stored } }
}

struct JournaldLogTests {
    @Test func linesCarryTheirPriorityAndMetadataOnOneLine() {
        let sink = LineSink()
        var logger = Logger(label: "t") { label in JournaldLogHandler(label: label, level: .debug) { sink.append($0) } }
        logger[metadataKey: "guichet.pipeline"] = "translate"
        logger.warning("model unavailable\nretrying", metadata: ["guichet.job.id": "abc123", "guichet.error": "connection refused"])
        logger.debug("detail")
        logger.error("failed")
        let lines = sink.lines
        #expect(lines.count == 3)
        #expect(lines[0] == "<4>model unavailable ⏎ retrying guichet.error=\"connection refused\" guichet.job.id=abc123 guichet.pipeline=translate\n")
        #expect(lines[1].hasPrefix("<7>detail"))
        #expect(lines[2].hasPrefix("<3>failed"))
    }

    @Test func theDaemonWritesJournalLinesWhenItsStderrIsTheJournal() async throws {
        let server = try FakeOpenAIServer()
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        FileManager.default.createFile(atPath: h.daemonLog.path, contents: nil)
        var st = stat()
        #expect(stat(h.daemonLog.path, &st) == 0)
        // systemd sets JOURNAL_STREAM to the device:inode of the stream it gave as stderr.
        try h.startDaemon(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino)"])
        defer { h.stopDaemon() }
        try await h.wait("the watcher", timeout: 30) {
            ((try? String(contentsOf: h.daemonLog, encoding: .utf8)) ?? "").contains("watching drop folders")
        }
        let lines = try String(contentsOf: h.daemonLog, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("<") }, "every line starts with its priority")
        #expect(lines.contains { $0.hasPrefix("<6>watching drop folders") && $0.contains("guichet.component=watcher") })
        #expect(!lines.contains { $0.contains("2026-") && $0.hasPrefix("20") }, "no timestamp of our own")
    }
}
