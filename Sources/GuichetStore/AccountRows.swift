import Foundation
import GRDB
import GuichetCore

/// Row shape of the `account` table.
struct AccountRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "account"

    var name: String
    var role: String
    var pipelines: String
    var passwordHash: String
    var disabled: Bool
    var createdAt: Date
    var passwordChangedAt: Date

    init(_ a: Account) throws {
        name = a.name
        role = a.role.rawValue
        pipelines = String(decoding: try JSONEncoder().encode(a.pipelines), as: UTF8.self)
        passwordHash = a.passwordHash
        disabled = a.disabled
        createdAt = a.createdAt
        passwordChangedAt = a.passwordChangedAt
    }

    func account() throws -> Account {
        guard let r = Account.Role(rawValue: role) else {
            throw GuichetError(.internalError, "account \(name) has an unknown role '\(role)'")
        }
        var a = Account(name: name, role: r, pipelines: try JSONDecoder().decode([String].self, from: Data(pipelines.utf8)),
                        passwordHash: passwordHash, createdAt: createdAt)
        a.disabled = disabled
        a.passwordChangedAt = passwordChangedAt
        return a
    }
}

/// Row shape of the `session` table.
struct SessionRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "session"

    var token: String
    var accountName: String
    var csrfToken: String
    var createdAt: Date
    var expiresAt: Date

    /// `token` holds the digest of the session token (``SessionTokenDigest``), never the token.
    init(_ s: WebSession) {
        token = SessionTokenDigest.of(s.token)
        accountName = s.accountName
        csrfToken = s.csrfToken
        createdAt = s.createdAt
        expiresAt = s.expiresAt
    }

    /// The session, with the token its holder presented (the row keeps only its digest).
    func session(token presented: String) -> WebSession {
        WebSession(token: presented, accountName: accountName, csrfToken: csrfToken, createdAt: createdAt, expiresAt: expiresAt)
    }
}
