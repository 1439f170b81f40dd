import Foundation
import GuichetCore
@testable import GuichetJobs
import Testing

struct ReviewDeskTests {
    /// A job as the processor leaves it: awaiting review with a result file.
    func awaiting(_ s: Sandbox, name: String = "doc.md", result: String = "Hello") async throws -> Job {
        guard case .queued(let job) = await s.intake.take(try s.drop(name, "Bonjour")) else { throw GuichetError(.internalError, "not queued") }
        _ = try await s.store.claimNextQueued(now: Date())
        let dir = s.layout.jobDir(job.id).appendingPathComponent("result")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = dir.appendingPathComponent("doc.en.md")
        try result.write(to: r, atomically: true, encoding: .utf8)
        let rel = s.layout.relativeToState(r)
        return try await s.store.transition(job.id, from: [.processing], to: .awaitingReview, audit: nil) {
            $0.resultPath = rel
            $0.model = "m"
            $0.promptVersion = "translate-1"
            $0.promptTokens = 10
            $0.completionTokens = 20
        }
    }

    @Test func approvalPublishesWithoutOverwritingAndIsAudited() async throws {
        let s = try Sandbox()
        let out = s.layout.outputDir.appendingPathComponent("translate")
        try "earlier, by hand".write(to: out.appendingPathComponent("doc.en.md"), atomically: true, encoding: .utf8)
        let job = try await awaiting(s)
        let done = try await s.desk.approve(job.id, by: "Marie Curie", comment: "bien")
        #expect(done.state == .approved && done.outputPath == "translate/doc.en (2).md")
        #expect(try String(contentsOf: out.appendingPathComponent("doc.en.md"), encoding: .utf8) == "earlier, by hand")
        #expect(try String(contentsOf: out.appendingPathComponent("doc.en (2).md"), encoding: .utf8) == "Hello")
        let audit = try await s.store.audit(of: job.id, limit: nil)
        let approval = try #require(audit.first { $0.action == .approved })
        #expect(approval.actor == "Marie Curie" && approval.model == "m" && approval.promptVersion == "translate-1")
        #expect(approval.promptTokens == 10 && approval.completionTokens == 20 && approval.detail == "bien")
        #expect(audit.last?.action == .published)
        // Approving twice is refused and publishes nothing more.
        await #expect(throws: GuichetError.self) { try await s.desk.approve(job.id, by: "Marie", comment: nil) }
        #expect(s.contents(out).count == 2)
    }

    /// An approver's CLI and a daemon starting up (which publishes approvals a crash cut short)
    /// may both publish one job at once: it is written once, not a second time as "(2)".
    @Test func concurrentPublishersWriteTheResultOnce() async throws {
        for _ in 0..<20 {
            let s = try Sandbox()
            let job = try await awaiting(s)
            let approved = try await s.store.transition(job.id, from: [.awaitingReview], to: .approved, audit: nil) { $0.decidedBy = "Marie" }
            let a = s.desk, b = ReviewDesk(configuration: s.configuration, layout: s.layout, store: s.store, logger: s.logger)
            async let first = a.publish(approved)
            async let second = b.publish(approved)
            let (x, y) = try await (first, second)
            #expect(x.outputPath == "translate/doc.en.md" && y.outputPath == x.outputPath)
            #expect(s.contents(s.layout.outputDir.appendingPathComponent("translate")) == ["doc.en.md"])
            #expect(try await s.store.audit(of: job.id, limit: nil).filter { $0.action == .published }.count == 1)
        }
    }

    /// An edit and an approval of one job are serialised by the job's lock: an approval that
    /// comes while an edit is being written waits for it and publishes the edited version, and
    /// an edit that comes after the approval is refused. (The approval used to change the
    /// job's state at once and could publish half of an edit.)
    @Test func anApprovalWaitsForAnEditInProgressAndALateEditIsRefused() async throws {
        let s = try Sandbox()
        let job = try await awaiting(s)
        let resultFile = try s.layout.stateFile(try #require(job.resultPath))
        // Another process (the web server) is in the middle of an edit: it holds the job's lock.
        var held: PublicationLock? = try await PublicationLock.acquire(jobDir: s.layout.jobDir(job.id))
        let approval = Task { try await s.desk.approve(job.id, by: "Marie", comment: nil) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await s.store.job(job.id)?.state == .awaitingReview, "the approval waits for the edit")
        try "Hello, corrected".write(to: resultFile, atomically: true, encoding: .utf8)
        #expect(held != nil)
        held = nil  // the edit is written: its lock is released
        let done = try await approval.value
        let out = s.layout.outputDir.appendingPathComponent("translate")
        #expect(done.outputPath == "translate/doc.en.md")
        #expect(try String(contentsOf: out.appendingPathComponent("doc.en.md"), encoding: .utf8) == "Hello, corrected")
        await #expect(throws: GuichetError.self) {
            try await s.desk.replaceResult(job.id, by: "Paul", files: ["doc.en.md": Data("too late".utf8)], note: "correction")
        }
        #expect(try String(contentsOf: resultFile, encoding: .utf8) == "Hello, corrected")
        // Deciding on a job that does not exist leaves no folder behind for it.
        await #expect(throws: GuichetError.self) { try await s.desk.reject(JobID(rawValue: "zzzzzzzzzz"), by: "Paul", reason: "x") }
        #expect(!FileManager.default.fileExists(atPath: s.layout.jobDir(JobID(rawValue: "zzzzzzzzzz")).path))
    }

    @Test func rejectionNeedsAReasonAndPublishesNothing() async throws {
        let s = try Sandbox()
        let job = try await awaiting(s)
        await #expect(throws: GuichetError.self) { try await s.desk.reject(job.id, by: "Paul", reason: "  ") }
        let r = try await s.desk.reject(job.id, by: "Paul", reason: "contresens au §2")
        #expect(r.state == .rejected && r.decisionComment == "contresens au §2")
        #expect(s.contents(s.layout.outputDir.appendingPathComponent("translate")).isEmpty)
        await #expect(throws: GuichetError.self) { try await s.desk.approve(job.id, by: "Paul", comment: nil) }
    }

    @Test func onlyItemsAwaitingReviewCanBeDecided() async throws {
        let s = try Sandbox()
        guard case .queued(let job) = await s.intake.take(try s.drop("q.md", "x")) else { Issue.record("not queued"); return }
        await #expect(throws: GuichetError.self) { try await s.desk.approve(job.id, by: "Paul", comment: nil) }
        await #expect(throws: GuichetError.self) { try await s.desk.approve(JobID(rawValue: "zzzzzzzzzz"), by: "Paul", comment: nil) }
    }

    @Test func anInterruptedPublicationIsCompletedByRecovery() async throws {
        let s = try Sandbox()
        let job = try await awaiting(s)
        // The decision was stored, then the process died before writing the output.
        _ = try await s.store.transition(job.id, from: [.awaitingReview], to: .approved, audit: nil) { $0.decidedBy = "x" }
        let report = try await Recovery(configuration: s.configuration, layout: s.layout, store: s.store, logger: s.logger).run()
        #expect(report.published == 1)
        #expect(try await s.store.job(job.id)?.outputPath == "translate/doc.en.md")
    }
}
