import Foundation
import GRDB
import GuichetCore

/// Row shapes of the SQLite tables. The domain types stay free of GRDB so that another store
/// (PostgreSQL) can implement ``JobStore`` without touching them.
struct JobRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "job"

    var id: String
    var pipeline: String
    var sourceName: String
    var sourceRelativePath: String
    var originalPath: String
    var format: String
    var options: String
    var state: String
    var createdAt: Date
    var updatedAt: Date
    var notBefore: Date?
    var attempts: Int
    var failureCode: String?
    var failureReason: String?
    var resultPath: String?
    var outputPath: String?
    var model: String?
    var promptVersion: String?
    var promptTokens: Int
    var completionTokens: Int
    var flags: String
    var decidedBy: String?
    var decidedAt: Date?
    var decisionComment: String?

    init(_ j: Job) throws {
        id = j.id.rawValue
        pipeline = j.pipeline
        sourceName = j.sourceName
        sourceRelativePath = j.sourceRelativePath
        originalPath = j.originalPath
        format = j.format
        options = try Self.json(j.options)
        state = j.state.rawValue
        createdAt = j.createdAt
        updatedAt = j.updatedAt
        notBefore = j.notBefore
        attempts = j.attempts
        failureCode = j.failureCode
        failureReason = j.failureReason
        resultPath = j.resultPath
        outputPath = j.outputPath
        model = j.model
        promptVersion = j.promptVersion
        promptTokens = j.promptTokens
        completionTokens = j.completionTokens
        flags = try Self.json(j.flags)
        decidedBy = j.decidedBy
        decidedAt = j.decidedAt
        decisionComment = j.decisionComment
    }

    func job() throws -> Job {
        guard let s = JobState(rawValue: state) else {
            throw GuichetError(.internalError, "job \(id) has unknown state '\(state)'")
        }
        var j = Job(
            id: JobID(rawValue: id), pipeline: pipeline, sourceName: sourceName,
            sourceRelativePath: sourceRelativePath, originalPath: originalPath, format: format,
            options: try JSONDecoder().decode([String: String].self, from: Data(options.utf8)),
            state: s, createdAt: createdAt)
        j.updatedAt = updatedAt
        j.notBefore = notBefore
        j.attempts = attempts
        j.failureCode = failureCode
        j.failureReason = failureReason
        j.resultPath = resultPath
        j.outputPath = outputPath
        j.model = model
        j.promptVersion = promptVersion
        j.promptTokens = promptTokens
        j.completionTokens = completionTokens
        j.flags = try JSONDecoder().decode([String].self, from: Data(flags.utf8))
        j.decidedBy = decidedBy
        j.decidedAt = decidedAt
        j.decisionComment = decisionComment
        return j
    }

    private static func json<T: Encodable>(_ v: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return String(decoding: try enc.encode(v), as: UTF8.self)
    }
}

struct ChunkRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "chunk"

    var jobID: String
    var stage: String
    var index: Int
    var source: String
    var result: String?
    var model: String?
    var promptTokens: Int
    var completionTokens: Int
    var attempts: Int
    var completedAt: Date?
    var durationMs: Int?

    init(_ c: ChunkRecord) {
        jobID = c.jobID.rawValue
        stage = c.stage
        index = c.index
        source = c.source
        result = c.result
        model = c.model
        promptTokens = c.promptTokens
        completionTokens = c.completionTokens
        attempts = c.attempts
        completedAt = c.completedAt
        durationMs = c.durationMs
    }

    var record: ChunkRecord {
        var c = ChunkRecord(jobID: JobID(rawValue: jobID), index: index, stage: stage, source: source)
        c.result = result
        c.model = model
        c.promptTokens = promptTokens
        c.completionTokens = completionTokens
        c.attempts = attempts
        c.completedAt = completedAt
        c.durationMs = durationMs
        return c
    }
}

struct AuditRow: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "audit"

    var id: Int64?
    var jobID: String
    var at: Date
    var actor: String
    var action: String
    var model: String?
    var promptVersion: String?
    var promptTokens: Int?
    var completionTokens: Int?
    var detail: String?

    init(_ e: AuditEntry) {
        id = e.id
        jobID = e.jobID.rawValue
        at = e.at
        actor = e.actor
        action = e.action.rawValue
        model = e.model
        promptVersion = e.promptVersion
        promptTokens = e.promptTokens
        completionTokens = e.completionTokens
        detail = e.detail
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var entry: AuditEntry? {
        guard let a = AuditEntry.Action(rawValue: action) else { return nil }
        var e = AuditEntry(
            jobID: JobID(rawValue: jobID), at: at, actor: actor, action: a, model: model,
            promptVersion: promptVersion, promptTokens: promptTokens,
            completionTokens: completionTokens, detail: detail)
        e.id = id
        return e
    }
}
