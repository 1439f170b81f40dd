import Foundation
import GRDB
import GuichetCore
import Testing
@testable import GuichetStore

/// The store keeps a digest of each session token, never the token: a copy of the database
/// does not let anyone sign in. Real SQLite files.
struct SessionTokenTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func session(_ token: String, account: String = "marie") -> WebSession {
        WebSession(token: token, accountName: account, csrfToken: String(token.reversed()), createdAt: Date(), expiresAt: Date().addingTimeInterval(3600))
    }

    func storedTokens(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT token FROM session ORDER BY token") }
    }

    @Test func aSessionIsFoundByItsTokenWhichTheFileDoesNotContain() async throws {
        let path = dir.appendingPathComponent("s.sqlite").path
        let store = try SQLiteJobStore(path: path)
        try await store.insertAccount(Account(name: "marie", role: .approver, pipelines: ["translate"], passwordHash: "x"))
        let token = "k7Jq2V0x9YbZr4TmWc8sLp1NaDe6FgHu"
        try await store.insertSession(session(token))
        let found = try #require(try await store.session(token: token))
        #expect(found.token == token && found.accountName == "marie" && found.csrfToken == String(token.reversed()))
        #expect(try await store.session(token: "k7Jq2V0x9YbZr4TmWc8sLp1NaDe6FgHv") == nil)
        // What an attacker holding the file would present is the stored value: it opens nothing.
        let stored = try storedTokens(path)
        #expect(stored.count == 1 && stored[0] != token && stored[0].count == 64)
        #expect(try await store.session(token: stored[0]) == nil)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.utf8)) == nil, "the raw token is nowhere in the database files")
        try await store.deleteSession(token: token)
        #expect(try await store.session(token: token) == nil)
        #expect(try storedTokens(path).isEmpty)
    }

    /// Sessions opened before the digests keep working after the upgrade, and their raw tokens
    /// are gone from the table.
    @Test func theMigrationTurnsEarlierTokensIntoDigests() async throws {
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v2_accounts_sessions_queue_index")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO account (name, role, pipelines, passwordHash, disabled, createdAt, passwordChangedAt) VALUES ('paul', 'admin', '', 'x', 0, ?, ?)",
                               arguments: [Date(), Date()])
                for t in ["ancien-jeton-1", "ancien-jeton-2"] {
                    try db.execute(sql: "INSERT INTO session (token, accountName, csrfToken, createdAt, expiresAt) VALUES (?, 'paul', 'c', ?, ?)",
                                   arguments: [t, Date(), Date().addingTimeInterval(3600)])
                }
            }
        }
        let store = try SQLiteJobStore(path: path)
        #expect(try await store.session(token: "ancien-jeton-1")?.accountName == "paul")
        #expect(try await store.session(token: "ancien-jeton-2")?.accountName == "paul")
        #expect(try storedTokens(path).allSatisfy { $0.count == 64 && !$0.hasPrefix("ancien") })
    }
}
