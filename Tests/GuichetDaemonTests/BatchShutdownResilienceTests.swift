import Foundation
import GuichetCore
import GuichetTestSupport
import Testing

/// SIGTERM in the middle of a batch (the resilience suite; CI runs it small): the daemon exits
/// 0 within its grace period, nothing is lost or failed, and the next start finishes the batch
/// without taking any file twice.
@Suite(.serialized) struct BatchShutdownResilienceTests {
    @Test(.timeLimit(.minutes(10)))
    func sigtermDuringABatchThenRestart() async throws {
        let files = ResilienceTests.full ? 30 : 10
        let grace = 2.0
        let server = try FakeOpenAIServer { r in
            .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: Double.random(in: 0.2...0.5))
        }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: """
            shutdown_grace = \(grace)
            """ + "\n" + DaemonHarness.fakeModelConfig(server, extra: "[chunking]\nmax_tokens = 60\n"))
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        for i in 0..<files {
            let text = (1...3).map { "Dossier \(i), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
            _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
        }
        try await h.wait("the batch under way", timeout: 60) { server.completedResponses >= 4 }
        let t0 = Date()
        let status = h.stopDaemon()
        let exitSeconds = Date().timeIntervalSince(t0)
        #expect(status == 0, "exit status after SIGTERM")
        #expect(exitSeconds < grace + 15, "stopped within the grace period (and start-up slack): \(exitSeconds) s")
        let atStop = try await h.jobs()
        let doneAtStop = atStop.filter { $0.state == .awaitingReview }.count
        #expect(!atStop.contains { $0.state == .failed }, "nothing failed because of the stop")
        #expect(doneAtStop < files, "the stop came mid-batch")

        try h.startDaemon()
        try await h.wait("the batch finished after the restart", timeout: 240) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count == files
        }
        let jobs = try await h.jobs()
        #expect(jobs.count == files && Set(jobs.map(\.sourceName)).count == files, "each file taken once")
        #expect(try await h.jobs(.failed).isEmpty)
        var asked: [String: Int] = [:]
        for r in server.chatRequests { asked[r.lastUserMessage ?? "", default: 0] += 1 }
        let twice = asked.values.filter { $0 > 1 }.count
        // Only calls still in flight when the grace period ran out may be sent again.
        #expect(twice <= 2, "\(twice) chunks sent twice")
        #expect(h.stopDaemon() == 0)
        print("resilience/sigterm: files \(files), done before the stop \(doneAtStop), exit 0 in \(String(format: "%.1f", exitSeconds)) s (grace \(Int(grace)) s), requests \(server.chatRequests.count), chunks sent twice \(twice), lost \(files - jobs.count), daemon peak memory \(h.peakMemoryText)")
    }
}
