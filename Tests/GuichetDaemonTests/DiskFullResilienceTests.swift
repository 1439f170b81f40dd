import Foundation
import GuichetCore
import GuichetJobs
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

    /// The output folder is full when results are approved (an 8 MB tmpfs as `Output/`):
    /// each approval is recorded and said to wait, no file appears half written, and once
    /// space is freed the running daemon publishes every one of them, once, whole.
    @Test(.enabled(if: DiskFullResilienceTests.canMount), .timeLimit(.minutes(5)))
    func theOutputDiskIsFullWhenResultsAreApproved() async throws {
        let files = 3
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: 0.05) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server, extra: """
            [limits]
            min_free_mb = 1
            """))
        try FileManager.default.createDirectory(at: h.output, withIntermediateDirectories: true)
        #expect(Self.mount(h.output, megabytes: 8))
        defer { Self.unmount(h.output) }
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        for i in 0..<files {
            // Big enough that a result never fits in what a full disk has left.
            let text = (1...40).map { "Dossier \(i), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
            _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
        }
        try await h.wait("every result awaiting review", timeout: 120) { try await h.jobs(.awaitingReview).count == files }
        let out = h.output.appendingPathComponent("translate")
        let (ballast, _) = Self.fill(h.output)
        for j in try await h.jobs() {
            let r = try h.cli(["review", "approve", j.id.rawValue, "--by", "Marie"])
            #expect(r.status != 0, "the approver is told it is not published yet")
            #expect((r.stdout + r.stderr).contains("not published yet"), "\(r.stdout) \(r.stderr)")
        }
        let whileFull = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(whileFull.isEmpty, "nothing half written, no temporary file left: \(whileFull)")
        #expect(try await h.jobs(.approved).count == files, "every decision recorded")
        #expect(try await h.jobs(.approved).allSatisfy { $0.outputPath == nil })
        // Ops see it: the metric an alert can watch.
        let metrics = try String(contentsOf: URL(string: h.webURL + "/metrics")!, encoding: .utf8)
        #expect(metrics.contains("guichet_publications_pending \(files)"), "\(metrics.split(separator: "\n").filter { $0.contains("publications") })")
        try FileManager.default.removeItem(at: ballast)

        try await h.wait("every approved result published by the running daemon", timeout: 60) {
            try await h.jobs(.approved).allSatisfy { $0.outputPath != nil }
        }
        let published = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let state = h.root.appendingPathComponent("state")
        var expected: [String] = []
        for j in try await h.jobs() {
            let result = state.appendingPathComponent(try #require(j.resultPath))
            let dir = result.deletingLastPathComponent()
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !name.hasPrefix(".") {
                expected.append(name)
                #expect(try Data(contentsOf: out.appendingPathComponent(name)) == Data(contentsOf: dir.appendingPathComponent(name)), "\(name) whole")
            }
            #expect(try await h.store().audit(of: j.id, limit: nil).filter { $0.action == .published }.count == 1)
        }
        #expect(published == expected.sorted(), "each result once, nothing else")
        #expect(h.stopDaemon() == 0)
        print("resilience/output-full: files \(files), Output on a full 8 MB tmpfs, approvals refused to publish \(files), published once space was freed \(published.count) file(s), duplicates 0 = \(published == expected.sorted()), daemon peak memory \(h.peakMemoryText)")
    }

    /// A publication that runs out of space half way leaves nothing under the result's name
    /// (nor a temporary file): readers of `Output/` see a file whole or not at all.
    @Test(.enabled(if: DiskFullResilienceTests.canMount))
    func aPublicationThatRunsOutOfSpaceLeavesNoHalfFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(Self.mount(dir, megabytes: 1))
        defer { Self.unmount(dir); try? FileManager.default.removeItem(at: dir) }
        let (ballast, filled) = Self.fill(dir)
        // Leave room for a little of the file, not all of it.
        #expect(truncate(ballast.path, off_t(filled - 16_384)) == 0)
        let data = Data(repeating: 0x41, count: 256 * 1024)
        #expect(throws: GuichetError.self) { try FileOperations.writeUnique(data, in: dir, name: "rapport.md") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ballast"])
        // With room again, it is written whole under its own name.
        try FileManager.default.removeItem(at: ballast)
        let url = try FileOperations.writeUnique(data, in: dir, name: "rapport.md")
        #expect(url.lastPathComponent == "rapport.md")
        #expect(try Data(contentsOf: url) == data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["rapport.md"])
    }
}
