import Foundation
import Testing

/// `systemd-analyze verify` on the shipped unit, with ExecStart pointed at the built binary
/// (verify checks that the executable exists).
struct SystemdUnitTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theUnitVerifies() throws {
        let unit = try String(contentsOf: DaemonHarness.repoRoot.appendingPathComponent("deploy/guichet.service"), encoding: .utf8)
        #expect(unit.contains("Type=notify") && unit.contains("WatchdogSec=") && unit.contains("ProtectSystem=strict"))
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
