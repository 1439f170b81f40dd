import Foundation
import GuichetCore
import GuichetConfig
import GuichetJobs
import GuichetStore
import Testing

struct RecoveryTests {
    @Test func anOrphanJobDirectoryBecomesAJobAgain() async throws {
        let s = try Sandbox()
        guard case .queued(let job) = await s.intake.take(try s.drop("a.md", "texte")) else { Issue.record("not queued"); return }
        // Simulate a crash between the move and the insert: a fresh store, same state dir.
        let db = s.layout.databasePath
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let s2 = try Sandbox.reopen(s)
        let report = try await Recovery(configuration: s2.configuration, layout: s2.layout, store: s2.store, logger: s2.logger).run()
        #expect(report.adopted == 1)
        let adopted = try #require(try await s2.store.job(job.id))
        #expect(adopted.state == .queued && adopted.sourceName == "a.md")
    }

    /// A crash between writing a published file and giving it its name leaves a hidden
    /// temporary file in `Output/`: the next start removes it, and only it.
    @Test func temporaryFilesOfACutPublicationAreRemoved() async throws {
        let s = try Sandbox()
        let out = s.layout.outputDir.appendingPathComponent("translate")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let names = [".rapport.en.md.\(UUID().uuidString).tmp", ".notes.tmp", "rapport.en.md", ".x.\(UUID().uuidString).tmp.keep"]
        for n in names { try Data("x".utf8).write(to: out.appendingPathComponent(n)) }
        let report = try await Recovery(configuration: s.configuration, layout: s.layout, store: s.store, logger: s.logger).run()
        #expect(report.temporariesRemoved == 1)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == Set(names.dropFirst()))
    }

    @Test func aJobDirectoryWithoutItsOriginalIsDiscarded() async throws {
        let s = try Sandbox()
        let dir = s.layout.jobDir(JobID.generate())
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let report = try await Recovery(configuration: s.configuration, layout: s.layout, store: s.store, logger: s.logger).run()
        #expect(report.discarded == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test func aFailedJobsOriginalIsHandedBackAfterACrash() async throws {
        let s = try Sandbox()
        guard case .queued(let job) = await s.intake.take(try s.drop("b.md", "texte")) else { Issue.record("not queued"); return }
        // Failure recorded, process died before moving the original.
        _ = try await s.store.transition(job.id, from: [.queued], to: .failed, audit: nil) {
            $0.failureCode = "invalid_encoding"
            $0.failureReason = "Le fichier n'est pas en UTF-8."
        }
        let report = try await Recovery(configuration: s.configuration, layout: s.layout, store: s.store, logger: s.logger).run()
        #expect(report.handedBack == 1)
        #expect(s.contents(s.failedDir()) == ["b.md", "b.md.error.txt"])
        let note = try String(contentsOf: s.failedDir().appendingPathComponent("b.md.error.txt"), encoding: .utf8)
        #expect(note.contains("UTF-8"))
    }

    @Test func aSecondDaemonOnTheSameStateDirIsRefused() throws {
        let s = try Sandbox()
        let first = try DaemonLock(path: s.layout.lockPath)
        #expect(DaemonLock.isHeld(path: s.layout.lockPath))
        #expect(throws: GuichetError.self) { _ = try DaemonLock(path: s.layout.lockPath) }
        withExtendedLifetime(first) {}
    }
}

extension Sandbox {
    /// The same directories with a newly opened store.
    static func reopen(_ s: Sandbox) throws -> Sandbox {
        try Sandbox(root: s.root, configuration: s.configuration)
    }

    init(root: URL, configuration: GuichetConfiguration) throws {
        self.root = root
        self.configuration = configuration
        self.layout = StateLayout(configuration)
        try layout.createDirectories(for: configuration.pipelines)
        self.store = try SQLiteJobStore(path: layout.databasePath)
    }
}
