import GRDB

/// The store's schema, as named migrations: a released migration is never edited, a change is
/// a new migration.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_jobs_chunks_audit") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("pipeline", .text).notNull().indexed()
                t.column("sourceName", .text).notNull()
                t.column("sourceRelativePath", .text).notNull()
                t.column("originalPath", .text).notNull()
                t.column("format", .text).notNull()
                t.column("options", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.column("notBefore", .datetime)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("failureCode", .text)
                t.column("failureReason", .text)
                t.column("resultPath", .text)
                t.column("outputPath", .text)
                t.column("model", .text)
                t.column("promptVersion", .text)
                t.column("promptTokens", .integer).notNull().defaults(to: 0)
                t.column("completionTokens", .integer).notNull().defaults(to: 0)
                t.column("flags", .text).notNull()
                t.column("decidedBy", .text)
                t.column("decidedAt", .datetime)
                t.column("decisionComment", .text)
            }
            try db.create(table: "chunk") { t in
                t.column("jobID", .text).notNull().references("job", onDelete: .cascade)
                t.column("stage", .text).notNull()
                t.column("index", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("result", .text)
                t.column("model", .text)
                t.column("promptTokens", .integer).notNull().defaults(to: 0)
                t.column("completionTokens", .integer).notNull().defaults(to: 0)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("completedAt", .datetime)
                t.column("durationMs", .integer)
                t.primaryKey(["jobID", "stage", "index"])
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobID", .text).notNull().indexed()
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("model", .text)
                t.column("promptVersion", .text)
                t.column("promptTokens", .integer)
                t.column("completionTokens", .integer)
                t.column("detail", .text)
            }
        }
        migrator.registerMigration("v2_accounts_sessions_queue_index") { db in
            try db.create(table: "account") { t in
                t.primaryKey("name", .text)
                t.column("role", .text).notNull()
                t.column("pipelines", .text).notNull()
                t.column("passwordHash", .text).notNull()
                t.column("disabled", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
                t.column("passwordChangedAt", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("token", .text)
                t.column("accountName", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
            // The review queue page lists one state (and pipeline), oldest first, a page at a
            // time: with 10,000 items this index keeps it from scanning and sorting the table.
            try db.create(index: "job_state_pipeline_created", on: "job", columns: ["state", "pipeline", "createdAt", "id"])
            try db.create(index: "job_state_created", on: "job", columns: ["state", "createdAt", "id"])
        }
        migrator.registerMigration("v3_session_token_digests") { db in
            // Sessions opened before this version keep working: their tokens become digests.
            let tokens = try String.fetchAll(db, sql: "SELECT token FROM session")
            for token in tokens {
                try db.execute(sql: "UPDATE session SET token = ? WHERE token = ?", arguments: [SessionTokenDigest.of(token), token])
            }
        }
        migrator.registerMigration("v4_unpublished_index") { db in
            // The daemon looks for approved results still to publish every few seconds: with
            // the output path in the index, the look reads only those, however many results
            // were published over the years. (A partial index would be smaller, but SQLite
            // cannot use one for a state given as a bound parameter.)
            try db.create(index: "job_state_unpublished", on: "job", columns: ["state", "outputPath", "createdAt", "id"])
        }
        return migrator
    }
}
