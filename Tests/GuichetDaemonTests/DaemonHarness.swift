import Foundation
import GuichetCore
import GuichetStore
import GuichetTestSupport

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Runs the real `guichet` binary in a sandbox: the daemon as a child process (so it can be
/// killed with SIGKILL), and CLI commands as a user would type them.
final class DaemonHarness: @unchecked Sendable {
    let root: URL
    let configPath: URL
    /// The web page's port: a free one per sandbox, so daemons of different tests never fight
    /// over 8080.
    let webPort: Int
    var daemon: Process?
    /// The highest peak resident memory (VmHWM) of the daemons this harness ran, sampled
    /// before each stop or kill, in MB; nil until one was sampled.
    private(set) var peakMemoryMB: Int?
    /// ``peakMemoryMB`` for a report line.
    var peakMemoryText: String { peakMemoryMB.map { "\($0) MB" } ?? "?" }
    var daemonLog: URL { root.appendingPathComponent("daemon.log") }

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["GUICHET_BIN"], !b.isEmpty { return b }
        // `swift test` puts the executable next to the test bundle.
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("guichet").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return repoRoot.appendingPathComponent(".build/debug/guichet").path
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `toml` is appended to a configuration that points every directory into the sandbox.
    init(toml: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        configPath = root.appendingPathComponent("guichet.toml")
        let base = """
            watch_dir = "\(root.appendingPathComponent("Watch").path)"
            output_dir = "\(root.appendingPathComponent("Output").path)"
            state_dir = "\(root.appendingPathComponent("state").path)"
            log_level = "debug"

            """
        webPort = Self.freePort()
        let web = toml.contains("[web]") ? "" : "\n[web]\nport = \(webPort)\nbcrypt_cost = 4\n"
        try (base + toml + web).write(to: configPath, atomically: true, encoding: .utf8)
    }

    /// A port the kernel says is free now (bound to port 0, read back, closed).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A configuration pointing the daemon at a fake model on 127.0.0.1, with quick rescans.
    static func fakeModelConfig(_ server: FakeOpenAIServer, extra: String = "") -> String {
        """
        [llm]
        backend = "remote"
        url = "\(server.baseURL)"
        model = "fake"
        max_concurrent_requests = 2
        max_attempts = 2
        retry_delay = 1
        [watcher]
        rescan_interval = 1
        stability_delay = 0.5
        \(extra)
        """
    }

    var webURL: String { "http://127.0.0.1:\(webPort)" }

    var watch: URL { root.appendingPathComponent("Watch") }
    var output: URL { root.appendingPathComponent("Output") }
    var databasePath: String { root.appendingPathComponent("state/guichet.sqlite").path }

    func store() throws -> SQLiteJobStore { try SQLiteJobStore(path: databasePath) }

    func startDaemon(environment extra: [String: String] = [:]) throws {
        let p = Process()
        if !extra.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        }
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["run", "--config", configPath.path]
        if !FileManager.default.fileExists(atPath: daemonLog.path) { FileManager.default.createFile(atPath: daemonLog.path, contents: nil) }
        let log = try FileHandle(forWritingTo: daemonLog)
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        p.currentDirectoryURL = Self.repoRoot
        try p.run()
        daemon = p
    }

    /// Reads the running daemon's VmHWM into ``peakMemoryMB``.
    func samplePeakMemory() {
        guard let pid = daemon?.processIdentifier,
              let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(whereSeparator: { !$0.isNumber }).first ?? "") else { return }
        peakMemoryMB = max(peakMemoryMB ?? 0, kb / 1024)
    }

    func kill9() {
        guard let p = daemon else { return }
        samplePeakMemory()
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        daemon = nil
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stopDaemon() -> Int32 {
        guard let p = daemon else { return -1 }
        samplePeakMemory()
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        daemon = nil
        return p.terminationStatus
    }

    struct CLIResult { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `guichet ARGS --config <sandbox>` to completion.
    func cli(_ args: [String], config: Bool = true, stdin: String? = nil) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args + (config ? ["--config", configPath.path] : [])
        p.currentDirectoryURL = Self.repoRoot
        let out = root.appendingPathComponent("cli-\(UUID().uuidString).out")
        let err = root.appendingPathComponent("cli-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        if let stdin {
            let input = root.appendingPathComponent("cli-\(UUID().uuidString).in")
            try Data(stdin.utf8).write(to: input)
            p.standardInput = try FileHandle(forReadingFrom: input)
        }
        try p.run()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Writes a file the way a desktop copy does: a temporary name, then a rename.
    func drop(_ name: String, _ data: Data, folder: String, sub: [String] = []) throws -> URL {
        var dir = watch.appendingPathComponent(folder)
        for s in sub { dir.appendPathComponent(s) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".~\(name).part")
        try data.write(to: tmp)
        let final = dir.appendingPathComponent(name)
        try FileManager.default.moveItem(at: tmp, to: final)
        return final
    }

    /// Polls until `condition` holds or `timeout` passes; the daemon's log is attached on failure.
    func wait(_ what: String, timeout: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = (try? String(contentsOf: daemonLog, encoding: .utf8)) ?? ""
        throw GuichetError(.internalError, "timed out waiting for \(what); daemon log tail:\n\(log.suffix(4000))")
    }

    func jobs(_ state: JobState? = nil) async throws -> [Job] {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        return try await store().jobs(matching: JobFilter(states: state.map { [$0] }))
    }

    deinit {
        if let p = daemon, p.isRunning { kill(p.processIdentifier, SIGKILL) }
    }
}
