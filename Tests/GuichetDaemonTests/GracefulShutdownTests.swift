import Foundation
import GuichetCore
import GuichetTestSupport
import Testing

/// SIGTERM while the model is answering: the job in hand may finish within the grace period;
/// past it, the call is interrupted, the job goes back to the queue, and the exit is clean.
@Suite(.serialized) struct GracefulShutdownTests {
    func harness(_ server: FakeOpenAIServer, grace: Double) throws -> DaemonHarness {
        try DaemonHarness(toml: """
            shutdown_grace = \(grace)
            [llm]
            backend = "remote"
            url = "\(server.baseURL)"
            max_concurrent_requests = 1
            """)
    }

    func dropAndWaitForCall(_ h: DaemonHarness, _ server: FakeOpenAIServer) async throws {
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("a.md", Data("Bonjour.\n".utf8), folder: "translate")
        try await h.wait("the model call", timeout: 30) { server.inFlight == 1 }
    }

    @Test func aJobInHandFinishesWithinTheGracePeriod() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: 2) }
        server.start()
        defer { server.stop() }
        let h = try harness(server, grace: 20)
        try h.startDaemon()
        try await dropAndWaitForCall(h, server)
        #expect(h.stopDaemon() == 0)
        #expect(try await h.jobs(.awaitingReview).count == 1, "the answer that was on its way was kept")
        #expect(server.chatRequests.count == 1)
    }

    @Test func pastTheGracePeriodTheJobIsInterruptedAndQueuedAgain() async throws {
        let server = try FakeOpenAIServer { _ in .hang(seconds: 60) }
        server.start()
        defer { server.stop() }
        let h = try harness(server, grace: 0.5)
        try h.startDaemon()
        try await dropAndWaitForCall(h, server)
        let t0 = Date()
        #expect(h.stopDaemon() == 0)
        #expect(Date().timeIntervalSince(t0) < 20, "the hung call did not hold the shutdown")
        let jobs = try await h.jobs()
        #expect(jobs.count == 1 && (jobs[0].state == .queued || jobs[0].state == .processing), "not failed: \(jobs.map(\.state))")
        // At the next start the job resumes.
        server.setBehavior { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("resumed", timeout: 30) { try await h.jobs(.awaitingReview).count == 1 }
    }
}
