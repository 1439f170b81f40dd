import Foundation
import GuichetCore
import GuichetStore
import Testing

/// The review queue is read page by page through an index, never by scanning and sorting
/// the whole job table (it must stay fast with 10,000 items).
struct QueueIndexTests {
    @Test func queuePagesUseTheStateIndexWithoutATemporarySort() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-plan-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteJobStore(path: path)
        for filter in [JobFilter(states: [.awaitingReview], limit: 50, offset: 100),
                       JobFilter(states: [.awaitingReview], pipelines: ["translate"], limit: 50)] {
            let plan = try await store.queryPlan(for: filter).joined(separator: " | ")
            #expect(plan.contains("USING INDEX job_state"), "\(plan)")
            #expect(!plan.contains("SCAN job"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "no sort of the whole queue: \(plan)")
        }
    }
}

/// The daemon's look for approved results still to publish (every few seconds) reads only
/// those, through an index, however many were published before.
struct UnpublishedIndexTests {
    @Test func approvedResultsStillToPublishAreFoundThroughTheirIndex() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-unpub-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteJobStore(path: path)
        let filter = JobFilter(states: [.approved], unpublished: true)
        let plan = try await store.queryPlan(for: filter).joined(separator: " | ")
        #expect(plan.contains("USING INDEX job_state_unpublished (state=? AND outputPath=?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        var made: [JobID] = []
        for i in 0..<4 {
            let j = Job(pipeline: "translate", sourceName: "\(i).md", sourceRelativePath: "\(i).md", originalPath: "x", format: "md", state: .awaitingReview)
            try await store.insert(j, audit: AuditEntry(jobID: j.id, actor: "guichet", action: .received))
            _ = try await store.transition(j.id, from: [.awaitingReview], to: .approved, audit: nil) { job in
                if i % 2 == 0 { job.outputPath = "translate/\(i).md" }
            }
            made.append(j.id)
        }
        #expect(try await store.jobs(matching: filter).map(\.id) == [made[1], made[3]])
        #expect(try await store.countJobs(matching: filter) == 2)
    }
}

struct JobPrefixTests {
    @Test func aPrefixFindsTheJobsItStarts() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-prefix-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteJobStore(path: path)
        var ids: [JobID] = []
        for i in 0..<20 {
            let j = Job(pipeline: "translate", sourceName: "\(i).md", sourceRelativePath: "\(i).md", originalPath: "x", format: "md")
            try await store.insert(j, audit: AuditEntry(jobID: j.id, actor: "guichet", action: .received))
            ids.append(j.id)
        }
        let target = ids[7].rawValue
        let found = try await store.jobs(withIDPrefix: String(target.prefix(8)), limit: 2)
        #expect(found.map(\.id) == [ids[7]])
        #expect(try await store.jobs(withIDPrefix: target, limit: 2).map(\.id) == [ids[7]])
        #expect(try await store.jobs(withIDPrefix: "%", limit: 2).isEmpty)
        #expect(try await store.jobs(withIDPrefix: "", limit: 2).isEmpty)
        #expect(try await store.jobs(withIDPrefix: String(target.prefix(1)), limit: 50).allSatisfy { $0.id.rawValue.hasPrefix(String(target.prefix(1))) })
    }
}
