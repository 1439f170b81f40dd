import Foundation
import GuichetCore
import GuichetTestSupport
import Testing

/// The real binary, a real drop folder, a real SQLite file, a fake model on 127.0.0.1.
@Suite(.serialized) struct DaemonEndToEndTests {
    func fakeConfig(_ server: FakeOpenAIServer, extra: String = "") -> String {
        DaemonHarness.fakeModelConfig(server, extra: extra)
    }

    @Test func dropReviewApprovePublish() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: fakeConfig(server))
        try h.startDaemon()
        defer { h.stopDaemon() }
        // Temporary and system files are never taken.
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(500))
        FileManager.default.createFile(atPath: h.watch.appendingPathComponent("translate/~$brouillon.md").path, contents: Data("x".utf8))
        FileManager.default.createFile(atPath: h.watch.appendingPathComponent("translate/Thumbs.db").path, contents: Data("x".utf8))
        _ = try h.drop("Compte rendu d'Élise.md", Data("# Réunion\n\nLe conseil a voté.\n\n```sh\nls -la\n```\n".utf8), folder: "translate", sub: ["en"])
        try await h.wait("awaiting review", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        #expect(try await h.jobs().count == 1, "the temporary and system files were not taken")
        #expect(FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate/Thumbs.db").path))

        let list = try h.cli(["review", "list", "--json"])
        #expect(list.status == 0)
        let items = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        let item = try #require(items?.first)
        #expect(item["pipeline"] as? String == "translate")
        #expect(item["state"] as? String == "awaiting_review")
        #expect(item["source"] as? String == "Compte rendu d'Élise.md")
        let id = try #require(item["id"] as? String)

        let show = try h.cli(["review", "show", id, "--json"])
        #expect(show.stdout.contains("LE CONSEIL A VOTÉ."))
        // Side by side: a source block faces its result on the same line.
        let side = try h.cli(["review", "show", id, "--width", "100"])
        #expect(side.stdout.split(separator: "\n").contains { $0.hasPrefix("Le conseil a voté.") && $0.hasSuffix("│ LE CONSEIL A VOTÉ.") })
        let diff = try h.cli(["review", "show", id, "--diff"])
        #expect(diff.stdout.contains("- Le conseil a voté.") && diff.stdout.contains("+ LE CONSEIL A VOTÉ."))
        #expect(diff.stdout.contains("  ls -la"), "unchanged code is context, not a change")
        // Sent back once with an instruction: the earlier result is kept and listed.
        let rerun = try h.cli(["review", "rerun", id, "--by", "Camille", "--instruction", "garder les majuscules"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try await h.wait("awaiting review again", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        let again = try h.cli(["review", "show", id, "--diff"])
        #expect(again.stdout.contains("earlier result, version 1 (sent back for a re-run): ") && again.stdout.contains("/earlier/1/Compte rendu d'Élise.en.md"), "\(again.stdout)")
        let approve = try h.cli(["review", "approve", String(id.prefix(6)), "--by", "Camille", "--comment", "ok"])
        #expect(approve.status == 0, "\(approve.stderr)")
        let published = h.output.appendingPathComponent("translate/Compte rendu d'Élise.en.md")
        #expect(try String(contentsOf: published, encoding: .utf8) == "# RÉUNION\n\nLE CONSEIL A VOTÉ.\n\n```sh\nls -la\n```\n")
        let log = try h.cli(["review", "log", id])
        #expect(log.stdout.contains("Camille  approved"))
        #expect(log.stdout.contains("model=fake"))
        let status = try h.cli(["status", "--json"])
        #expect(status.stdout.contains("\"approved\" : 1"))
        #expect(status.stdout.contains("\"daemon_running\" : true"))
        #expect(h.stopDaemon() == 0, "SIGTERM ends the daemon cleanly")
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryExitsWithAClearMessage() async throws {
        let server = try FakeOpenAIServer()
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: fakeConfig(server))
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("lock", timeout: 30) { FileManager.default.fileExists(atPath: h.root.appendingPathComponent("state/daemon.lock").path) }
        try await Task.sleep(for: .milliseconds(500))
        let second = try h.cli(["run"])
        #expect(second.status != 0)
        #expect(second.stderr.contains("another Guichet daemon"))
    }

    @Test func configCheckNamesTheWrongKey() throws {
        let h = try DaemonHarness(toml: "[llm]\nmax_concurrent_requests = 0\n")
        let r = try h.cli(["config", "check", h.configPath.path], config: false)
        #expect(r.status == 2)
        #expect(r.stderr.contains("llm.max_concurrent_requests: must be between 1 and 64; got 0"))
        let ok = try DaemonHarness(toml: "")
        #expect(try ok.cli(["config", "check"]).status == 0)
    }

    @Test func submitWaitProcessesInProcessWhenNoDaemonRuns() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: fakeConfig(server))
        let file = h.root.appendingPathComponent("note.txt")
        try "Bonjour.\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try h.cli(["submit", file.path, "--pipeline", "proofread", "--wait"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: file.path), "submit copies, the user's file stays")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(JobID.isWellFormed(id))
        #expect(try await h.jobs(.awaitingReview).map(\.id.rawValue) == [id])
        // A broken file makes --wait exit non-zero with the reason.
        let bad = h.root.appendingPathComponent("bad.txt")
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: bad)
        let r2 = try h.cli(["submit", bad.path, "--pipeline", "proofread", "--wait"])
        #expect(r2.status != 0)
        #expect(r2.stderr.contains("failed"))
    }
}
