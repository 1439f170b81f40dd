import Foundation
import GuichetCore
import GuichetStore
import GuichetTestSupport
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The state directory on a small tmpfs that fills up while a batch runs (the resilience
/// suite; needs root to mount, skipped otherwise): the store stays sound (`PRAGMA
/// integrity_check`), no result is half written, and once space is freed every file ends
/// awaiting review or failed with its reason; none stuck, none lost.
@Suite(.serialized) struct DiskFullResilienceTests {
    static let canMount: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-tmpfs-probe-\(getpid())")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        guard Self.mount(probe, megabytes: 1) else { return false }
        Self.unmount(probe)
        return true
    }()

    @discardableResult
    static func mount(_ dir: URL, megabytes: Int) -> Bool {
        guard getuid() == 0 else { return false }
        return (try? Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", dir.path])) == 0
    }

    static func unmount(_ dir: URL) { _ = try? Self.command("/bin/umount", ["-l", dir.path]) }

    static func command(_ path: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Fills the file system holding `dir` with one file, to the last byte it will take.
    static func fill(_ dir: URL) -> (URL, Int) {
        let ballast = dir.appendingPathComponent("ballast")
        let fd = open(ballast.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        var total = 0
        for size in [1 << 20, 64 << 10, 4 << 10, 512, 64, 1] {
            let block = [UInt8](repeating: 0x5A, count: size)
            while true {
                let n = block.withUnsafeBytes { write(fd, $0.baseAddress!, size) }
                if n <= 0 { break }
                total += n
            }
        }
        return (ballast, total)
    }

    @Test(.enabled(if: DiskFullResilienceTests.canMount), .timeLimit(.minutes(10)))
    func theStateDiskFillsUpMidBatch() async throws {
        let files = ResilienceTests.full ? 30 : 8
        let fullFor = ResilienceTests.full ? 30.0 : 5.0
        let server = try FakeOpenAIServer { r in
            .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: Double.random(in: 0.1...0.3))
        }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server, extra: """
            [chunking]
            max_tokens = 60
            [limits]
            min_free_mb = 1
            """))
        let state = h.root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        #expect(Self.mount(state, megabytes: 16))
        defer { Self.unmount(state) }
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        func drop(_ range: Range<Int>) throws {
            for i in range {
                let text = (1...3).map { "Dossier \(i), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
                _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
            }
        }
        try drop(0..<files / 2)
        try await h.wait("the batch under way", timeout: 60) { server.completedResponses >= 3 }
        // Full to the last byte while jobs are writing their answers and results.
        let (ballast, filled) = Self.fill(state)
        try drop(files / 2..<files)
        try await Task.sleep(for: .seconds(fullFor))
        let duringFull = try await h.jobs()
        #expect(h.daemon?.isRunning == true, "the daemon survives a full disk")
        try FileManager.default.removeItem(at: ballast)

        try await h.wait("every file at rest once space is back", timeout: 180) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count == files
        }
        let jobs = try await h.jobs()
        #expect(jobs.count == files, "none lost")
        #expect(Set(jobs.map(\.sourceName)).count == files, "none taken twice")
        let stuck = try await h.jobs(.queued).count + h.jobs(.processing).count
        #expect(stuck == 0, "none stuck")
        let integrity = try await h.store().integrityCheck()
        #expect(integrity == "ok", "PRAGMA integrity_check: \(integrity)")
        // No half-written result: each one holds every paragraph of its file, answered.
        for j in jobs where j.state == .awaitingReview {
            let result = try String(contentsOf: state.appendingPathComponent(try #require(j.resultPath)), encoding: .utf8)
            let n = j.sourceName.filter(\.isNumber)
            for p in 1...3 {
                #expect(result.contains("DOSSIER \(n), PARAGRAPHE \(p) : LE CONSEIL DÉLIBÈRE SUR LE POINT \(p) DU DOSSIER \(n)."), "\(j.sourceName): paragraph \(p) whole")
            }
        }
        let failedDir = h.watch.appendingPathComponent("translate/_failed")
        for j in jobs where j.state == .failed {
            let note = (try? String(contentsOf: failedDir.appendingPathComponent(j.sourceName + ".error.txt"), encoding: .utf8)) ?? ""
            #expect(!note.isEmpty, "\(j.sourceName) failed with a reason")
        }
        let log = (try? String(contentsOf: h.daemonLog, encoding: .utf8)) ?? ""
        #expect(h.stopDaemon() == 0)
        let failed = jobs.filter { $0.state == .failed }.count
        print("resilience/disk-full: files \(files), tmpfs 16 MB filled with \(filled / 1024) KB for \(Int(fullFor)) s, jobs while full \(duringFull.count), completed \(files - failed), failed \(failed), integrity \(integrity), store errors logged \(log.components(separatedBy: "cannot read the job store").count - 1), requests \(server.chatRequests.count), daemon peak memory \(h.peakMemoryText)")
    }
}
