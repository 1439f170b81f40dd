import Foundation

/// A person who may sign in to the approvers' web page.
public struct Account: Sendable, Codable, Equatable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Sees and decides on the items of the pipelines assigned to them.
        case approver
        /// Sees every pipeline and the audit log.
        case admin
    }

    public var name: String
    public var role: Role
    /// Pipelines an approver may see and act on; ignored for an admin.
    public var pipelines: [String]
    /// A bcrypt hash; the password itself is never stored.
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: Date
    public var passwordChangedAt: Date

    public init(name: String, role: Role, pipelines: [String], passwordHash: String, createdAt: Date = Date()) {
        self.name = name
        self.role = role
        self.pipelines = pipelines
        self.passwordHash = passwordHash
        self.disabled = false
        self.createdAt = createdAt
        self.passwordChangedAt = createdAt
    }

    /// Whether this account may see and decide on a job of `pipeline`.
    public func mayAct(on pipeline: String) -> Bool {
        !disabled && (role == .admin || pipelines.contains(pipeline))
    }

    /// The pipelines this account sees, or nil for all of them.
    public var visiblePipelines: Set<String>? { role == .admin ? nil : Set(pipelines) }

    /// Account names go into the audit trail and document properties: a short login name.
    public static func validName(_ s: String) throws -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-@"))
        guard (1...64).contains(t.count), t.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw GuichetError(.configuration, "an account name is 1–64 letters, digits, '.', '_', '-' or '@'",
                               userMessage: "Le nom de compte comporte de 1 à 64 lettres, chiffres, « . », « _ », « - » ou « @ ».")
        }
        return t
    }
}

/// A signed-in browser. The token lives in an `HttpOnly` cookie; the CSRF token goes into
/// every form of the session.
public struct WebSession: Sendable, Codable, Equatable {
    public var token: String
    public var accountName: String
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(token: String, accountName: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.token = token
        self.accountName = accountName
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Accounts and sessions of the web page, kept in the same store as the jobs.
public protocol AccountStore: Sendable {
    /// Throws ``GuichetError/Code/conflict`` when the name is taken.
    func insertAccount(_ account: Account) async throws
    func account(named name: String) async throws -> Account?
    /// By name.
    func accounts() async throws -> [Account]
    /// Throws ``GuichetError/Code/notFound`` when there is no such account.
    @discardableResult
    func updateAccount(named name: String, _ mutate: @Sendable (inout Account) -> Void) async throws -> Account

    func insertSession(_ session: WebSession) async throws
    func session(token: String) async throws -> WebSession?
    func deleteSession(token: String) async throws
    /// Signs an account out everywhere (after a password change or when it is disabled).
    func deleteSessions(of accountName: String) async throws
    @discardableResult
    func deleteExpiredSessions(now: Date) async throws -> Int
}
