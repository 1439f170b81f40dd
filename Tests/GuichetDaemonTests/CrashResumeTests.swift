import Foundation
import GuichetCore
import GuichetTestSupport
import Testing

/// Kill -9 the daemon in the middle of a multi-chunk job: after a restart the job completes,
/// nothing is lost, and no chunk whose answer was delivered is sent to the model again.
@Suite(.serialized) struct CrashResumeTests {
    @Test func killedMidJobResumesWithoutResendingFinishedChunks() async throws {
        let killPoint = 4
        let arrived = DispatchSemaphore(value: 0)
        let count = RequestCount()
        let server = try FakeOpenAIServer { r in
            let n = count.next()
            if n == killPoint {
                arrived.signal()
                return .hang(seconds: 60)  // in flight when the daemon dies
            }
            return .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: 0.05)
        }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: """
            [llm]
            backend = "remote"
            url = "\(server.baseURL)"
            max_concurrent_requests = 1
            max_attempts = 2
            retry_delay = 1
            [chunking]
            max_tokens = 60
            """)
        let text = (1...10).map { "Paragraphe \($0) : le conseil municipal examine le point numéro \($0) de l'ordre du jour et en débat." }
            .joined(separator: "\n\n") + "\n"
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("ordre du jour.md", Data(text.utf8), folder: "translate")
        let got = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async { c.resume(returning: arrived.wait(timeout: .now() + 60) == .success) }
        }
        #expect(got, "request \(killPoint) reached the fake model")
        h.kill9()
        let store = try h.store()
        let job = try #require(try await h.jobs().first)
        let before = try await store.chunks(of: job.id, stage: "map")
        #expect(before.filter(\.isDone).count == killPoint - 1, "answers delivered before the kill were stored")

        try h.startDaemon()
        try await h.wait("awaiting review after restart", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        let chunks = try await store.chunks(of: job.id, stage: "map")
        #expect(chunks.count >= 5 && chunks.allSatisfy(\.isDone))
        let requests = server.chatRequests
        for c in chunks {
            let sent = requests.indices.filter { requests[$0].lastUserMessage == c.source }
            let delivered = sent.filter { server.isResponseCompleted(requests[$0].index) }
            #expect(delivered.count == 1, "chunk \(c.index) answered exactly once (sent \(sent.count)×)")
            #expect(sent.count <= 2)
        }
        let totalSent = requests.count
        #expect(totalSent == chunks.count + 1, "only the chunk in flight at the kill was sent twice")
        let done = try #require(try await h.jobs(.awaitingReview).first)
        let result = try String(contentsOf: h.root.appendingPathComponent("state").appendingPathComponent(done.resultPath ?? ""), encoding: .utf8)
        #expect(result == text.uppercased(), "nothing lost, in order")
        #expect(try await store.audit(of: job.id, limit: nil).contains { $0.action == .requeued })
    }
}

final class RequestCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    /// 1-based count of calls.
    func next() -> Int { lock.withLock { n += 1; return n } }
}
