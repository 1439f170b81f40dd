import Foundation
import GuichetCore
import GuichetTestSupport
import NotifyTestSupport
import Testing

/// The web page on its own (`guichet serve`), and the daemon's notification digest, with the
/// real binary.
@Suite(.serialized) struct WebServeAndNotifyTests {
    @Test func serveRunsTheWebPageAloneOverTheSameStore() async throws {
        let h = try DaemonHarness(toml: "")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: DaemonHarness.binary)
        p.arguments = ["serve", "--config", h.configPath.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var login = ""
        try await h.wait("the sign-in page", timeout: 30) {
            login = (try? String(contentsOf: URL(string: h.webURL + "/login")!, encoding: .utf8)) ?? ""
            return !login.isEmpty
        }
        #expect(login.contains("name=\"password\""))
        p.terminate()
        while p.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(p.terminationStatus == 0)
    }

    @Test func aDigestReachesTheWebhookWhenAResultWaits() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let hook = try WebhookReceiver()
        defer { hook.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server, extra: """
            [notifications]
            interval = 1
            poll_interval = 1
            [notifications.webhook]
            url = "\(hook.url)"
            secret_env = "GUICHET_TEST_WEBHOOK_SECRET"
            """))
        try h.startDaemon(environment: ["GUICHET_TEST_WEBHOOK_SECRET": "s3cret-token"])
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        _ = try h.drop("Arrêté du maire.md", Data("Le maire arrête.\n".utf8), folder: "translate", sub: ["en"])
        try await h.wait("awaiting review", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        try await h.wait("a digest", timeout: 30) { !hook.requests.isEmpty }
        let request = try #require(hook.requests.first)
        #expect(request.method == "POST")
        #expect(request.header("authorization") == "Bearer s3cret-token")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["count"] as? Int == 1)
        #expect((body["pipelines"] as? [String: Int])?["translate"] == 1)
        let text = String(decoding: request.body, as: UTF8.self)
        #expect(text.contains("Arrêté du maire.md"))
        #expect(!text.contains("Le maire arrête"), "names only, never document text")
        // Nothing new: no second digest.
        try await Task.sleep(for: .seconds(3))
        #expect(hook.requests.count == 1)
        // Nor after a restart: what was announced is remembered in the state directory.
        #expect(h.stopDaemon() == 0)
        try h.startDaemon(environment: ["GUICHET_TEST_WEBHOOK_SECRET": "s3cret-token"])
        try await h.wait("the daemon back", timeout: 30) { ((try? String(contentsOf: h.daemonLog, encoding: .utf8)) ?? "").components(separatedBy: "notifying approvers").count == 3 }
        try await Task.sleep(for: .seconds(3))
        #expect(hook.requests.count == 1, "no digest of the same item after a restart")
        #expect(!((try? String(contentsOf: h.daemonLog, encoding: .utf8)) ?? "").contains("s3cret-token"))
    }
}
