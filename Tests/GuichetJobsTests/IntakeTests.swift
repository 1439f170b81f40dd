import Foundation
import GuichetCore
import GuichetJobs
import Testing

struct IntakeTests {
    @Test func aDroppedFileIsMovedIntoTheStateDirAndQueued() async throws {
        let s = try Sandbox()
        let f = try s.drop("Note « urgente » d'Élodie.md", "# Titre\n\nBonjour.\n", sub: ["en"])
        let outcome = await s.intake.take(f)
        guard case .queued(let job) = outcome else { Issue.record("not queued: \(outcome)"); return }
        #expect(!FileManager.default.fileExists(atPath: f.url.path), "the drop folder is emptied")
        let kept = try s.layout.stateFile(job.originalPath)
        #expect(try String(contentsOf: kept, encoding: .utf8) == "# Titre\n\nBonjour.\n")
        #expect(job.options["language"] == "en")
        #expect(job.sourceRelativePath == "en/Note « urgente » d'Élodie.md")
        let stored = try #require(try await s.store.job(job.id))
        #expect(stored.state == .queued)
        #expect(try await s.store.audit(of: job.id, limit: nil).first?.action == .received)
    }

    @Test func unknownSubfolderFallsBackToTheDefaultLanguage() async throws {
        let s = try Sandbox()
        guard case .queued(let job) = await s.intake.take(try s.drop("a.txt", "x", sub: ["urgent"])) else { Issue.record("not queued"); return }
        #expect(job.options["language"] == "fr")
    }

    @Test(arguments: [
        ("vide.md", "", "empty_file", "vide"),
        ("rapport.odt", "PK", "unsupported_format", "pas encore pris en charge"),
        ("ancien.doc", "\u{D0}\u{CF}", "unsupported_format", "ancien format Word"),
        ("image.png", "PNG", "unsupported_format", "Formats acceptés"),
    ])
    func refusedFilesGoToFailedWithAFrenchNote(name: String, content: String, code: String, phrase: String) async throws {
        let s = try Sandbox()
        let f = try s.drop(name, content)
        let outcome = await s.intake.take(f)
        guard case .refused(let e) = outcome else { Issue.record("not refused: \(outcome)"); return }
        #expect(e.code.rawValue == code)
        #expect(s.contents(s.failedDir()) == [name, name + ".error.txt"])
        #expect(try Data(contentsOf: s.failedDir().appendingPathComponent(name)) == Data(content.utf8), "original kept intact")
        let note = try String(contentsOf: s.failedDir().appendingPathComponent(name + ".error.txt"), encoding: .utf8)
        #expect(note.contains(phrase))
        #expect(note.contains("déposez-le à nouveau") || note.contains("déposez"))
        let failed = try await s.store.jobs(matching: .init(states: [.failed]))
        #expect(failed.count == 1 && failed[0].failureCode == code)
    }

    @Test func aSymlinkIsNeverFollowed() async throws {
        let s = try Sandbox()
        let secret = s.root.appendingPathComponent("secret.txt")
        try "confidential".write(to: secret, atomically: true, encoding: .utf8)
        let link = s.layout.watchDir.appendingPathComponent("translate/lien.md")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: secret)
        let outcome = await s.intake.take(.init(url: link, pipelineFolder: "translate", isSymlink: true))
        guard case .refused(let e) = outcome else { Issue.record("not refused"); return }
        #expect(e.code == .symlink)
        let moved = s.failedDir().appendingPathComponent("lien.md")
        #expect(FileOperations.isSymlink(moved), "the link itself is handed back, not its target")
        #expect(try String(contentsOf: secret, encoding: .utf8) == "confidential")
        #expect(try await s.store.jobs(matching: .init(states: [.queued])).isEmpty)
    }

    @Test func aFileDeletedBeforePickUpIsIgnoredQuietly() async throws {
        let s = try Sandbox()
        let f = try s.drop("parti.md", "x")
        try FileManager.default.removeItem(at: f.url)
        #expect(await s.intake.take(f) == .ignored("vanished before pick-up"))
        #expect(try await s.store.jobs(matching: .init()).isEmpty)
        #expect(s.contents(s.layout.jobsDir).isEmpty, "no half-made job directory is left")
    }

    @Test func aPasswordSidecarFollowsItsPDFIntoTheJobAndLeavesTheDropFolder() async throws {
        let s = try Sandbox()
        _ = try s.drop("protégé.pdf.password", "openpassword\n")
        guard case .queued(let job) = await s.intake.take(try s.drop("protégé.pdf", "%PDF-1.7")) else { Issue.record("not queued"); return }
        #expect(s.contents(s.layout.watchDir.appendingPathComponent("translate")).isEmpty)
        #expect(PasswordSidecar.password(inJobDir: s.layout.jobDir(job.id)) == "openpassword")
        let attrs = try FileManager.default.attributesOfItem(atPath: s.layout.jobDir(job.id).appendingPathComponent("password").path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func tooLargeFilesAreRefused() async throws {
        let s = try Sandbox { $0.limits.maxFileBytes = 10 }
        guard case .refused(let e) = await s.intake.take(try s.drop("gros.txt", String(repeating: "a", count: 11))) else { Issue.record("not refused"); return }
        #expect(e.code == .tooLarge)
    }

    @Test func twoFailuresWithTheSameNameDoNotOverwriteEachOther() async throws {
        let s = try Sandbox()
        _ = await s.intake.take(try s.drop("x.odt", "one"))
        _ = await s.intake.take(try s.drop("x.odt", "two"))
        #expect(s.contents(s.failedDir()) == ["x (2).odt", "x (2).odt.error.txt", "x.odt", "x.odt.error.txt"])
        #expect(try String(contentsOf: s.failedDir().appendingPathComponent("x (2).odt"), encoding: .utf8) == "two")
    }
}

struct DiskPressureTests {
    @Test func belowTheFloorFilesWaitInTheirDropFolderAndResumeByThemselves() async throws {
        // A floor above any real free space stands for a full disk.
        let full = try Sandbox { $0.limits.minFreeBytes = UInt64.max / 2 }
        let f = try full.drop("attente.md", "texte")
        guard case .deferred(let why) = await full.intake.take(f) else { Issue.record("not deferred"); return }
        #expect(why.contains("below"))
        #expect(FileManager.default.fileExists(atPath: f.url.path), "the file stays where the agent put it")
        #expect(try await full.store.jobs(matching: .init()).isEmpty)
        // Space is back (same directories, normal floor): the same file is taken.
        let ok = try Sandbox.reopen(full, floor: 1)
        guard case .queued = await ok.intake.take(f) else { Issue.record("not taken once space is back"); return }
    }
}

extension Sandbox {
    static func reopen(_ s: Sandbox, floor: UInt64) throws -> Sandbox {
        var c = s.configuration
        c.limits.minFreeBytes = floor
        return try Sandbox(root: s.root, configuration: c)
    }
}

struct UserMessageTests {
    @Test func aTechnicalFaultIsExplainedInFrenchNotInTheLogsEnglish() {
        let e = GuichetError(.io, "cannot create x.md: No space left on device")
        let note = UserMessages.note(for: e, fileName: "x.md", pipeline: "translate", jobID: nil)
        #expect(note.contains("erreur technique") && note.contains("code io"))
        #expect(!note.contains("No space left"), "technical English stays in the log")
        #expect(e.description.contains("No space left"), "and is still there for the log")
    }
}
