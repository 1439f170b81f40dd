import Foundation
import Testing

/// `systemd-analyze verify` on the shipped unit, with ExecStart pointed at the built binary
/// (verify checks that the executable exists).
struct SystemdUnitTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theUnitVerifies() throws {
        let unit = try String(contentsOf: DaemonHarness.repoRoot.appendingPathComponent("deploy/guichet.service"), encoding: .utf8)
        #expect(unit.contains("Type=notify") && unit.contains("WatchdogSec=") && unit.contains("ProtectSystem=strict"))
        #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"), "systemctl reload sends SIGHUP")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let patched = unit.replacingOccurrences(of: "/usr/local/bin/guichet", with: DaemonHarness.binary)
        let path = dir.appendingPathComponent("guichet.service")
        try patched.write(to: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        p.arguments = ["verify", "--man=no", path.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // verify exits 0 on unknown keys and only prints them: any output is a problem.
        #expect(p.terminationStatus == 0)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "systemd-analyze verify: \(out)")
    }
}

/// `scripts/install.sh` staged into a DESTDIR: the layout ops get, an existing configuration
/// kept, the shipped example configuration valid, and the model server's unit verified.
struct InstallLayoutTests {
    func run(_ args: [String], env: [String: String] = [:]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, n in n }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func stagedInstallLaysOutEverythingAndKeepsTheConfiguration() throws {
        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-install-\(UUID().uuidString)")
        let script = DaemonHarness.repoRoot.appendingPathComponent("scripts/install.sh").path
        let (status, out) = try run([script, DaemonHarness.binary], env: ["DESTDIR": dest.path])
        #expect(status == 0, "\(out)")
        for path in ["usr/local/bin/guichet", "usr/local/share/guichet/serve_model.py", "etc/systemd/system/guichet.service",
                     "etc/systemd/system/guichet-llm.service", "etc/guichet/guichet.toml", "var/lib/guichet/state", "srv/guichet/Watch"] {
            #expect(FileManager.default.fileExists(atPath: dest.appendingPathComponent(path).path), "\(path)")
        }
        let config = dest.appendingPathComponent("etc/guichet/guichet.toml")
        let check = try run(["-c", "\"$0\" config check \"$1\"", DaemonHarness.binary, config.path])
        #expect(check.0 == 0, "the shipped example configuration is valid: \(check.1)")
        try "# edited by ops\n".write(to: config, atomically: true, encoding: .utf8)
        let (again, out2) = try run([script, DaemonHarness.binary], env: ["DESTDIR": dest.path])
        #expect(again == 0 && out2.contains("kept the existing"))
        #expect(try String(contentsOf: config, encoding: .utf8) == "# edited by ops\n")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theModelServerUnitVerifies() throws {
        let unit = try String(contentsOf: DaemonHarness.repoRoot.appendingPathComponent("deploy/guichet-llm.service"), encoding: .utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("guichet-llm.service")
        // verify checks that the executable exists: point it at this machine's python.
        try unit.replacingOccurrences(of: "/var/lib/guichet/venv/bin/python", with: "/usr/bin/python3").write(to: path, atomically: true, encoding: .utf8)
        let (status, out) = try run(["-c", "systemd-analyze verify --man=no \"$0\"", path.path])
        #expect(status == 0)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "systemd-analyze verify: \(out)")
    }
}
