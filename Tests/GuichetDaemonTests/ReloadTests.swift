import Foundation
import GuichetCore
import GuichetLLM
import GuichetTestSupport
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// SIGHUP on the real binary: the configuration is read again without dropping jobs.
@Suite(.serialized) struct ReloadTests {
    /// A new pipeline folder (with its own prompt) added to the file and SIGHUP: a file dropped
    /// in the new folder is processed with the new prompt, and the old folders still work.
    @Test(.timeLimit(.minutes(5)))
    func aNewPipelineFolderWorksAfterSIGHUP() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        #expect(!FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("simplify").path))

        try h.rewriteConfig(DaemonHarness.fakeModelConfig(server, extra: """
            [pipelines.simplify]
            mode = "map"
            system_prompt = "RELOADED-PROMPT Simplify the text in {{language}}."
            chunk_prompt = "{{text}}"
            output_suffix = "simple"
            """))
        try h.hangup()
        try await h.waitForLog("configuration reloaded", count: 1)
        _ = try h.drop("note.txt", Data("Le conseil municipal se réunit jeudi.\n".utf8), folder: "simplify")
        _ = try h.drop("a.md", Data("Bonjour.\n".utf8), folder: "translate")
        try await h.wait("both processed", timeout: 60) { try await h.jobs(.awaitingReview).count == 2 }
        let jobs = try await h.jobs()
        #expect(Set(jobs.map(\.pipeline)) == ["simplify", "translate"])
        #expect(server.chatRequests.contains { r in r.messages.contains { $0.role == "system" && $0.content.contains("RELOADED-PROMPT") } },
                "the new pipeline's prompt reached the model")
        #expect(h.daemon?.isRunning == true)
        #expect(h.stopDaemon() == 0)
    }

    /// SIGHUP twice while a batch runs against a slow model: every job completes exactly
    /// once, no chunk is asked twice (the calls in flight finish within the grace period),
    /// and SIGTERM afterwards exits 0.
    @Test(.timeLimit(.minutes(10)))
    func reloadsDuringABatchLoseNothing() async throws {
        let files = 10
        let server = try FakeOpenAIServer { r in
            .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: Double.random(in: 0.3...0.6))
        }
        server.start()
        defer { server.stop() }
        let config = { (rescan: Int) in
            DaemonHarness.fakeModelConfig(server, extra: "[chunking]\nmax_tokens = 60\n").replacingOccurrences(
                of: "rescan_interval = 1", with: "rescan_interval = \(rescan)")
        }
        let h = try DaemonHarness(toml: config(1))
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        for i in 0..<files {
            let text = (1...3).map { "Dossier \(i), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
            _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
        }
        let t0 = Date()
        for (n, rescan) in [2, 3].enumerated() {
            try await h.wait("calls under way", timeout: 60) { server.inFlight > 0 }
            try h.rewriteConfig(config(rescan))
            try h.hangup()
            try await h.waitForLog("configuration reloaded", count: n + 1)
            try await Task.sleep(for: .seconds(1))
        }
        try await h.wait("every file settled", timeout: 240) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count == files
        }
        let jobs = try await h.jobs()
        #expect(jobs.count == files, "one job per file")
        #expect(Set(jobs.map(\.sourceName)).count == files, "no file taken twice")
        #expect(try await h.jobs(.failed).isEmpty)
        var asked: [String: Int] = [:]
        for r in server.chatRequests { asked[r.lastUserMessage ?? "", default: 0] += 1 }
        let twice = asked.values.filter { $0 > 1 }.count
        #expect(twice == 0, "\(twice) chunks sent twice")
        let seconds = Date().timeIntervalSince(t0)
        #expect(h.stopDaemon() == 0)
        print("reload/batch: files \(files), reloads 2, requests \(server.chatRequests.count), chunks sent twice \(twice), lost \(files - jobs.count), \(String(format: "%.1f", seconds)) s")
    }

    /// A configuration that does not parse: the daemon logs the problem, says so in its
    /// systemd status, answers the reload with READY=1, keeps the old configuration and still
    /// processes files.
    @Test(.timeLimit(.minutes(5)))
    func anInvalidConfigurationKeepsTheOldOne() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        let notify = try NotifySocket(h.root.appendingPathComponent("notify.sock").path)
        try h.startDaemon(environment: ["NOTIFY_SOCKET": notify.path])
        defer { h.stopDaemon() }
        _ = try notify.waitFor("READY=1", timeout: 30)
        try h.rewriteConfig(DaemonHarness.fakeModelConfig(server, extra: "[llm\nmax_concurent_requests = 4\n"))
        try h.hangup()
        try await h.waitForLog("configuration not reloaded", count: 1)
        let ready = try notify.waitFor("READY=1", timeout: 30)
        #expect(ready.contains("CONFIGURATION NOT RELOADED"), "said in STATUS: \(ready)")
        let log = try String(contentsOf: h.daemonLog, encoding: .utf8)
        #expect(log.contains("not valid TOML"), "the problem is in the log")
        // A state_dir change is refused too, with its reason.
        try h.rewriteConfig(DaemonHarness.fakeModelConfig(server) + "\n", stateDir: h.root.appendingPathComponent("elsewhere").path)
        try h.hangup()
        try await h.waitForLog("configuration not reloaded", count: 2)
        #expect(try String(contentsOf: h.daemonLog, encoding: .utf8).contains("restart the daemon to move its state"))

        _ = try h.drop("a.md", Data("Bonjour.\n".utf8), folder: "translate")
        try await h.wait("still processing", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        #expect(h.daemon?.isRunning == true)
        #expect(h.stopDaemon() == 0)
    }

    /// The sd_notify messages around a reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
    @Test(.timeLimit(.minutes(5)))
    func systemdIsToldReloadingThenReady() async throws {
        let server = try FakeOpenAIServer()
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        let notify = try NotifySocket(h.root.appendingPathComponent("notify.sock").path)
        try h.startDaemon(environment: ["NOTIFY_SOCKET": notify.path])
        defer { h.stopDaemon() }
        _ = try notify.waitFor("READY=1", timeout: 30)
        try h.hangup()
        let reloading = try notify.waitFor("RELOADING=1", timeout: 30)
        let usec = reloading.split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") }.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowUsec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        #expect(usec.map { $0 <= nowUsec && nowUsec - $0 < 60_000_000 } == true, "MONOTONIC_USEC is CLOCK_MONOTONIC now: \(reloading)")
        let ready = try notify.waitFor("READY=1", timeout: 60)
        #expect(ready.contains("STATUS=0 queued"), "\(ready)")
        #expect(!notify.seen.contains { $0.contains("STOPPING=1") }, "a reload is not a stop")
        #expect(h.stopDaemon() == 0)
        _ = try? notify.waitFor("STOPPING=1", timeout: 5)
        #expect(notify.seen.contains { $0.contains("STOPPING=1") })
    }
}

/// A stand-in for systemd's notification socket.
final class NotifySocket {
    let path: String
    let fd: Int32
    private(set) var seen: [String] = []

    init(_ path: String) throws {
        self.path = path
        fd = try SystemdNotifyTests().bindDatagramSocket(path)
    }

    deinit { close(fd) }

    /// The next message containing `what` (every message read is kept in `seen`).
    func waitFor(_ what: String, timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let m = SystemdNotifyTests().receive(fd, timeoutMs: 200) else { continue }
            seen.append(m)
            if m.contains(what) { return m }
        }
        throw GuichetError(.internalError, "no \(what) from the daemon within \(timeout) s; seen: \(seen)")
    }
}

extension DaemonHarness {
    /// Rewrites the configuration file the daemon reads (same sandbox directories and web port).
    func rewriteConfig(_ toml: String, stateDir: String? = nil) throws {
        let base = """
            watch_dir = "\(root.appendingPathComponent("Watch").path)"
            output_dir = "\(root.appendingPathComponent("Output").path)"
            state_dir = "\(stateDir ?? root.appendingPathComponent("state").path)"
            log_level = "debug"

            """
        let web = toml.contains("[web]") ? "" : "\n[web]\nport = \(webPort)\nbcrypt_cost = 4\n"
        try (base + toml + web).write(to: configPath, atomically: true, encoding: .utf8)
    }

    func hangup() throws {
        guard let p = daemon, p.isRunning else { throw GuichetError(.internalError, "the daemon is not running") }
        kill(p.processIdentifier, SIGHUP)
    }

    func waitForFolder(_ folder: String) async throws {
        try await wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: watch.appendingPathComponent(folder).path) }
        try await Task.sleep(for: .milliseconds(300))
    }

    /// Waits until the daemon's log holds `line` at least `count` times.
    func waitForLog(_ line: String, count: Int, timeout: Double = 90) async throws {
        try await wait("\(count)× “\(line)” in the log", timeout: timeout) {
            let log = (try? String(contentsOf: daemonLog, encoding: .utf8)) ?? ""
            return log.components(separatedBy: line).count - 1 >= count
        }
    }
}

/// A reloaded configuration that is valid but cannot start (its web port is taken): the
/// daemon goes back to the previous configuration instead of ending, and says so.
@Suite(.serialized) struct ReloadFallbackTests {
    @Test(.timeLimit(.minutes(5)))
    func aReloadThatCannotStartFallsBackToThePreviousConfiguration() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        let notify = try NotifySocket(h.root.appendingPathComponent("notify.sock").path)
        try h.startDaemon(environment: ["NOTIFY_SOCKET": notify.path])
        defer { h.stopDaemon() }
        _ = try notify.waitFor("READY=1", timeout: 30)
        // A port someone else listens on.
        let busy = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(busy) }
        var addr = OutageRelay.loopback(DaemonHarness.freePort())
        let port = Int(UInt16(bigEndian: addr.sin_port))
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(busy, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(listen(busy, 1) == 0)
        try h.rewriteConfig(DaemonHarness.fakeModelConfig(server) + "\n[web]\nport = \(port)\nbcrypt_cost = 4\n")
        try h.hangup()
        try await h.waitForLog("back to the previous one", count: 1)
        let ready = try notify.waitFor("FAILED TO START", timeout: 30)
        #expect(ready.contains("READY=1"))
        #expect(h.daemon?.isRunning == true)
        _ = try h.drop("a.md", Data("Bonjour.\n".utf8), folder: "translate")
        try await h.wait("still processing", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        #expect(await HTTPProbe().get(url: h.webURL + "/healthz", timeout: 5) == 200, "the web page is back on its old port")
        #expect(h.stopDaemon() == 0)
    }
}
