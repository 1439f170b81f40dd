import Foundation
import GuichetCore
import GuichetStore
import Testing

/// Every test uses a real SQLite file in a fresh temporary directory.
struct SQLiteJobStoreTests {
    let dir: URL
    let store: SQLiteJobStore

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteJobStore(path: dir.appendingPathComponent("jobs.sqlite").path)
    }

    func makeJob(_ name: String = "a.md", pipeline: String = "translate", at: Date = Date()) -> Job {
        Job(pipeline: pipeline, sourceName: name, sourceRelativePath: name, originalPath: "jobs/x/\(name)",
            format: "markdown", options: ["language": "en"], createdAt: at)
    }

    @Test func insertAndReadBackEveryField() async throws {
        var job = makeJob("Élise « note ».md")
        job.flags = ["segment 3 kept"]
        try await store.insert(job, audit: AuditEntry(jobID: job.id, actor: "guichet", action: .received))
        let back = try #require(try await store.job(job.id))
        #expect(back.sourceName == "Élise « note ».md")
        #expect(back.options == ["language": "en"])
        #expect(back.flags == ["segment 3 kept"])
        #expect(back.state == .queued)
        #expect(try await store.audit(of: job.id, limit: nil).map(\.action) == [.received])
    }

    @Test func claimTakesOldestReadyJobOnceAndHonoursNotBefore() async throws {
        let old = makeJob("old.md", at: Date(timeIntervalSinceNow: -100))
        var waiting = makeJob("waiting.md", at: Date(timeIntervalSinceNow: -200))
        waiting.notBefore = Date(timeIntervalSinceNow: 3600)
        let new = makeJob("new.md")
        for j in [old, waiting, new] {
            try await store.insert(j, audit: AuditEntry(jobID: j.id, actor: "guichet", action: .received))
        }
        let first = try await store.claimNextQueued(now: Date())
        #expect(first?.id == old.id)
        #expect(first?.state == .processing)
        #expect(first?.attempts == 1)
        let second = try await store.claimNextQueued(now: Date())
        #expect(second?.id == new.id)
        #expect(try await store.claimNextQueued(now: Date()) == nil)
        #expect(try await store.nextWakeUp() != nil)
        let later = try await store.claimNextQueued(now: Date(timeIntervalSinceNow: 7200))
        #expect(later?.id == waiting.id)
    }

    @Test func concurrentClaimsNeverTakeTheSameJobTwice() async throws {
        var ids: [JobID] = []
        for i in 0..<20 {
            let j = makeJob("f\(i).md")
            ids.append(j.id)
            try await store.insert(j, audit: AuditEntry(jobID: j.id, actor: "guichet", action: .received))
        }
        // A second store object on the same file stands for a second process.
        let other = try SQLiteJobStore(path: dir.appendingPathComponent("jobs.sqlite").path)
        let claimed = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for s in [store, other, store, other] {
                group.addTask {
                    var got: [JobID] = []
                    while let j = try await s.claimNextQueued(now: Date()) { got.append(j.id) }
                    return got
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 20)
        #expect(Set(claimed) == Set(ids))
    }

    @Test func transitionChecksTheCurrentStateAndAudits() async throws {
        let job = makeJob()
        try await store.insert(job, audit: AuditEntry(jobID: job.id, actor: "guichet", action: .received))
        _ = try await store.claimNextQueued(now: Date())
        try await store.transition(job.id, from: [.processing], to: .awaitingReview, audit: nil) { $0.resultPath = "r.md" }
        let approved = try await store.transition(
            job.id, from: [.awaitingReview], to: .approved,
            audit: AuditEntry(jobID: job.id, actor: "marie", action: .approved, detail: "ok")
        ) { $0.decidedBy = "marie" }
        #expect(approved.state == .approved)
        #expect(approved.decidedBy == "marie")
        // A second decision (say, a reject from another approver at the same time) is refused.
        await #expect(throws: GuichetError.self) {
            try await store.transition(job.id, from: [.awaitingReview], to: .rejected, audit: nil) { _ in }
        }
        #expect(try await store.job(job.id)?.state == .approved)
        let actions = try await store.audit(of: job.id, limit: nil).map(\.action)
        #expect(actions == [.received, .processingStarted, .approved])
    }

    @Test func chunkPlanIsKeptAcrossResumesWithTheirResults() async throws {
        let job = makeJob()
        try await store.insert(job, audit: AuditEntry(jobID: job.id, actor: "guichet", action: .received))
        let plan = (0..<3).map { ChunkRecord(jobID: job.id, index: $0, source: "chunk \($0)") }
        _ = try await store.planChunks(plan, for: job.id, stage: "map")
        try await store.recordChunkResult(
            ChunkResult(text: "résultat 1", model: "m", promptTokens: 5, completionTokens: 7, attempts: 1, durationMs: 12),
            job: job.id, stage: "map", index: 1)
        // A resumed job plans again (perhaps with a different cut): the stored plan wins.
        let again = try await store.planChunks([ChunkRecord(jobID: job.id, index: 0, source: "other")], for: job.id, stage: "map")
        #expect(again.count == 3)
        #expect(again.map(\.isDone) == [false, true, false])
        #expect(again[1].result == "résultat 1")
        let j = try #require(try await store.job(job.id))
        #expect(j.promptTokens == 5 && j.completionTokens == 7 && j.model == "m")
        await #expect(throws: GuichetError.self) {
            try await store.recordChunkResult(
                ChunkResult(text: "x", model: "m", promptTokens: 0, completionTokens: 0, attempts: 1, durationMs: 1),
                job: job.id, stage: "map", index: 99)
        }
    }

    @Test func interruptedJobsGoBackToTheQueueAndStoreSurvivesReopen() async throws {
        let job = makeJob()
        try await store.insert(job, audit: AuditEntry(jobID: job.id, actor: "guichet", action: .received))
        _ = try await store.claimNextQueued(now: Date())
        let reopened = try SQLiteJobStore(path: dir.appendingPathComponent("jobs.sqlite").path)
        #expect(try await reopened.requeueInterrupted() == 1)
        #expect(try await reopened.job(job.id)?.state == .queued)
        #expect(try await reopened.countsByState() == [.queued: 1])
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func filterByStateAndPipeline() async throws {
        let a = makeJob("a.md", pipeline: "translate")
        let b = makeJob("b.md", pipeline: "swot")
        for j in [a, b] { try await store.insert(j, audit: AuditEntry(jobID: j.id, actor: "guichet", action: .received)) }
        #expect(try await store.jobs(matching: JobFilter(pipelines: ["swot"])).map(\.id) == [b.id])
        #expect(try await store.jobs(matching: JobFilter(states: [.failed])).isEmpty)
        #expect(try await store.jobs(matching: JobFilter(states: [.queued])).count == 2)
    }
}
