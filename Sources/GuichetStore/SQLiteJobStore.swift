import Foundation
import GRDB
import GuichetCore

/// The default ``JobStore``: one SQLite file in WAL mode, shared safely by the daemon and the
/// CLI on the same machine.
public final class SQLiteJobStore: JobStore {
    private let db: any DatabaseWriter
    var writer: any DatabaseWriter { db }

    /// Opens (creating if needed) the store at `path` and runs pending migrations.
    public convenience init(path: String) throws {
        var config = Configuration()
        // The daemon and a CLI may write at once: wait for the lock instead of failing.
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: config)
        try self.init(writer: pool)
    }

    /// Uses any GRDB writer (a pool on disk, or a queue in memory for tests).
    public init(writer: any DatabaseWriter) throws {
        self.db = writer
        try StoreSchema.migrator.migrate(writer)
    }

    /// A consistency check of the SQLite file (`PRAGMA integrity_check`).
    public func integrityCheck() async throws -> String {
        try await db.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?" }
    }

    public func insert(_ job: Job, audit: AuditEntry) async throws {
        let row = try JobRow(job)
        let a = AuditRow(audit)
        try await db.write { db in
            try row.insert(db)
            _ = try a.inserted(db)
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await db.read { db in try JobRow.fetchOne(db, key: id.rawValue)?.job() }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        try await db.read { db in try Self.request(filter).fetchAll(db).map { try $0.job() } }
    }

    static func request(_ filter: JobFilter) -> QueryInterfaceRequest<JobRow> {
        var q = JobRow.all()
        if let s = filter.states { q = q.filter(s.map(\.rawValue).contains(Column("state"))) }
        if let p = filter.pipelines { q = q.filter(p.contains(Column("pipeline"))) }
        if filter.unpublished { q = q.filter(Column("outputPath") == nil) }
        q = q.order(Column("createdAt"), Column("id"))
        if let l = filter.limit { q = q.limit(l, offset: filter.offset) } else if filter.offset > 0 { q = q.limit(-1, offset: filter.offset) }
        return q
    }

    /// SQLite's plan for the query behind ``jobs(matching:)`` (`EXPLAIN QUERY PLAN` details),
    /// so tests and the benchmark can show the review queue is read through an index.
    public func queryPlan(for filter: JobFilter) async throws -> [String] {
        try await db.read { db in
            let statement = try Self.request(filter).makePreparedRequest(db, forSingleResult: false).statement
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments).map { $0["detail"] as String }
        }
    }

    public func countJobs(matching filter: JobFilter) async throws -> Int {
        try await db.read { db in
            var q = JobRow.all()
            if let s = filter.states { q = q.filter(s.map(\.rawValue).contains(Column("state"))) }
            if let p = filter.pipelines { q = q.filter(p.contains(Column("pipeline"))) }
            if filter.unpublished { q = q.filter(Column("outputPath") == nil) }
            return try q.fetchCount(db)
        }
    }

    public func jobs(withIDPrefix prefix: String, limit: Int) async throws -> [Job] {
        // Only a well-formed ID can be a prefix of one; a range query (not LIKE) keeps
        // wildcards meaningless.
        guard JobID.isWellFormed(prefix) else { return [] }
        return try await db.read { db in
            try JobRow.filter(Column("id") >= prefix && Column("id") < prefix + "\u{10FFFF}")
                .order(Column("id")).limit(limit).fetchAll(db).map { try $0.job() }
        }
    }

    public func countsByState() async throws -> [JobState: Int] {
        try await db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state")
            var out: [JobState: Int] = [:]
            for r in rows {
                if let s = JobState(rawValue: r["state"]) { out[s] = r["n"] }
            }
            return out
        }
    }

    public func claimNextQueued(now: Date) async throws -> Job? {
        try await db.write { db in
            guard
                var row = try JobRow
                    .filter(Column("state") == JobState.queued.rawValue)
                    .filter(Column("notBefore") == nil || Column("notBefore") <= now)
                    .order(Column("createdAt"), Column("id"))
                    .fetchOne(db)
            else { return nil }
            row.state = JobState.processing.rawValue
            row.updatedAt = now
            row.attempts += 1
            try row.update(db)
            var a = AuditRow(
                AuditEntry(
                    jobID: JobID(rawValue: row.id), at: now, actor: AuditEntry.machineActor,
                    action: .processingStarted, detail: "attempt \(row.attempts)"))
            try a.insert(db)
            return try row.job()
        }
    }

    public func nextWakeUp() async throws -> Date? {
        try await db.read { db in
            try Date.fetchOne(
                db, sql: "SELECT MIN(notBefore) FROM job WHERE state = ? AND notBefore IS NOT NULL",
                arguments: [JobState.queued.rawValue])
        }
    }

    @discardableResult
    public func transition(
        _ id: JobID, from expected: Set<JobState>, to state: JobState, audit: AuditEntry?,
        _ mutate: @Sendable (inout Job) -> Void
    ) async throws -> Job {
        try await db.write { db in
            guard let row = try JobRow.fetchOne(db, key: id.rawValue) else {
                throw GuichetError(.notFound, "no job \(id)", userMessage: "Aucun document \(id).")
            }
            var job = try row.job()
            guard expected.contains(job.state) else {
                throw GuichetError(
                    .conflict, "job \(id) is \(job.state.rawValue), expected \(expected.map(\.rawValue).sorted().joined(separator: " or "))",
                    userMessage: "Le document \(id) est dans l'état « \(job.state.rawValue) » : action impossible.")
            }
            mutate(&job)
            job.state = state
            job.updatedAt = Date()
            try JobRow(job).update(db)
            if let audit {
                var a = AuditRow(audit)
                try a.insert(db)
            }
            return job
        }
    }

    @discardableResult
    public func update(_ id: JobID, _ mutate: @Sendable (inout Job) -> Void) async throws -> Job {
        try await db.write { db in
            guard let row = try JobRow.fetchOne(db, key: id.rawValue) else {
                throw GuichetError(.notFound, "no job \(id)")
            }
            var job = try row.job()
            let state = job.state
            mutate(&job)
            job.state = state
            job.updatedAt = Date()
            try JobRow(job).update(db)
            return job
        }
    }

    public func requeueInterrupted() async throws -> Int {
        try await db.write { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM job WHERE state = ?", arguments: [JobState.processing.rawValue])
            for id in ids {
                try db.execute(
                    sql: "UPDATE job SET state = ?, updatedAt = ? WHERE id = ?",
                    arguments: [JobState.queued.rawValue, Date(), id])
                var a = AuditRow(
                    AuditEntry(
                        jobID: JobID(rawValue: id), actor: AuditEntry.machineActor, action: .requeued,
                        detail: "interrupted while processing; resumed"))
                try a.insert(db)
            }
            return ids.count
        }
    }

    public func planChunks(_ chunks: [ChunkRecord], for id: JobID, stage: String) async throws
        -> [ChunkRecord]
    {
        try await db.write { db in
            let existing = try ChunkRow
                .filter(Column("jobID") == id.rawValue && Column("stage") == stage)
                .order(Column("index")).fetchAll(db)
            if !existing.isEmpty { return existing.map(\.record) }
            for c in chunks { try ChunkRow(c).insert(db) }
            return chunks
        }
    }

    public func chunks(of id: JobID, stage: String) async throws -> [ChunkRecord] {
        try await db.read { db in
            try ChunkRow
                .filter(Column("jobID") == id.rawValue && Column("stage") == stage)
                .order(Column("index")).fetchAll(db).map(\.record)
        }
    }

    public func recordChunkResult(_ result: ChunkResult, job id: JobID, stage: String, index: Int)
        async throws
    {
        try await db.write { db in
            try db.execute(
                sql: """
                    UPDATE chunk SET result = ?, model = ?, promptTokens = ?, completionTokens = ?,
                      attempts = ?, completedAt = ?, durationMs = ?
                    WHERE jobID = ? AND stage = ? AND "index" = ?
                    """,
                arguments: [
                    result.text, result.model, result.promptTokens, result.completionTokens,
                    result.attempts, Date(), result.durationMs, id.rawValue, stage, index,
                ])
            guard db.changesCount == 1 else {
                throw GuichetError(.notFound, "no chunk \(stage)#\(index) for job \(id)")
            }
            try db.execute(
                sql: """
                    UPDATE job SET promptTokens = promptTokens + ?, completionTokens = completionTokens + ?,
                      model = ? WHERE id = ?
                    """,
                arguments: [result.promptTokens, result.completionTokens, result.model, id.rawValue])
        }
    }

    public func deleteChunks(of id: JobID, stage: String?) async throws {
        try await db.write { db in
            var q = ChunkRow.filter(Column("jobID") == id.rawValue)
            if let stage { q = q.filter(Column("stage") == stage) }
            _ = try q.deleteAll(db)
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        let a = AuditRow(entry)
        try await db.write { db in _ = try a.inserted(db) }
    }

    public func audit(of id: JobID?, limit: Int?) async throws -> [AuditEntry] {
        try await db.read { db in
            var q = AuditRow.all()
            if let id { q = q.filter(Column("jobID") == id.rawValue) }
            q = q.order(Column("id"))
            if let limit { q = q.limit(limit) }
            return try q.fetchAll(db).compactMap(\.entry)
        }
    }

    public func recentAudit(limit: Int, offset: Int, decisionsOnly: Bool) async throws -> [AuditEntry] {
        try await db.read { db in
            var q = AuditRow.all()
            if decisionsOnly { q = q.filter(Column("actor") != AuditEntry.machineActor) }
            return try q.order(Column("id").desc).limit(limit, offset: offset).fetchAll(db).compactMap(\.entry)
        }
    }
}
