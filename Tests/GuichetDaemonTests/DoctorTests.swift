import Foundation
import GuichetTestSupport
import Testing

/// `guichet doctor` with the real binary.
struct DoctorTests {
    @Test func allGoodWithAnAnsweringModel() async throws {
        let server = try FakeOpenAIServer { _ in .chat(content: "OK") }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: "[llm]\nbackend = \"remote\"\nurl = \"\(server.baseURL)\"\n")
        let before = try h.cli(["doctor"])
        #expect(before.stdout.contains("does not exist yet") && before.stdout.contains("`guichet run` creates it"))
        #expect(try h.cli(["status"]).status == 0)  // creates the folders and the store
        let r = try h.cli(["doctor"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok  model:") && r.stdout.contains("ok  job store:") && r.stdout.contains("ok  inotify:"))
        #expect(server.chatRequests.count == 2, "the model was really asked, each time")
    }

    @Test func problemsComeWithAFix() throws {
        let h = try DaemonHarness(toml: "[llm]\nbackend = \"remote\"\nurl = \"http://127.0.0.1:9/v1\"\nconnect_timeout = 1\n")
        // A file where a drop folder should be.
        try FileManager.default.createDirectory(at: h.watch, withIntermediateDirectories: true)
        let r0 = try h.cli(["status"])  // creates the folders
        #expect(r0.status == 0)
        try FileManager.default.removeItem(at: h.watch.appendingPathComponent("swot"))
        try Data("x".utf8).write(to: h.watch.appendingPathComponent("swot"))
        let r = try h.cli(["doctor", "--json"])
        #expect(r.status == 1)
        let checks = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: String]] ?? []
        let model = try #require(checks.first { $0["name"] == "model" })
        #expect(model["status"] == "problem" && model["fix"]?.contains("llm.url") == true)
        let swot = try #require(checks.first { $0["name"] == "drop folder swot" })
        #expect(swot["status"] == "problem" && swot["fix"]?.contains("mkdir") == true)
    }
}
