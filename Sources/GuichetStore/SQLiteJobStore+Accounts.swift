import Foundation
import GRDB
import GuichetCore

extension SQLiteJobStore: AccountStore {
    public func insertAccount(_ account: Account) async throws {
        let row = try AccountRow(account)
        try await writer.write { db in
            if try AccountRow.exists(db, key: row.name) {
                throw GuichetError(.conflict, "account '\(row.name)' already exists", userMessage: "Le compte « \(row.name) » existe déjà.")
            }
            try row.insert(db)
        }
    }

    public func account(named name: String) async throws -> Account? {
        try await writer.read { db in try AccountRow.fetchOne(db, key: name)?.account() }
    }

    public func accounts() async throws -> [Account] {
        try await writer.read { db in try AccountRow.order(Column("name")).fetchAll(db).map { try $0.account() } }
    }

    @discardableResult
    public func updateAccount(named name: String, _ mutate: @Sendable (inout Account) -> Void) async throws -> Account {
        try await writer.write { db in
            guard let row = try AccountRow.fetchOne(db, key: name) else {
                throw GuichetError(.notFound, "no account '\(name)'", userMessage: "Aucun compte « \(name) ».")
            }
            var a = try row.account()
            mutate(&a)
            a.name = name
            try AccountRow(a).update(db)
            return a
        }
    }

    public func insertSession(_ session: WebSession) async throws {
        try await writer.write { db in try SessionRow(session).insert(db) }
    }

    public func session(token: String) async throws -> WebSession? {
        try await writer.read { db in try SessionRow.fetchOne(db, key: SessionTokenDigest.of(token))?.session(token: token) }
    }

    public func deleteSession(token: String) async throws {
        _ = try await writer.write { db in try SessionRow.deleteOne(db, key: SessionTokenDigest.of(token)) }
    }

    public func deleteSessions(of accountName: String) async throws {
        _ = try await writer.write { db in try SessionRow.filter(Column("accountName") == accountName).deleteAll(db) }
    }

    @discardableResult
    public func deleteExpiredSessions(now: Date) async throws -> Int {
        try await writer.write { db in try SessionRow.filter(Column("expiresAt") <= now).deleteAll(db) }
    }
}
