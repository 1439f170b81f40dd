import Dispatch
import Foundation
import GuichetCore
import HummingbirdBcrypt
import Logging

/// Accounts of the web page: created, changed and disabled by `guichet user …`, checked at
/// sign-in. Passwords are hashed with bcrypt; hashing is deliberately slow (a quarter second
/// at cost 12), so it runs on a Dispatch queue, never on Swift's small cooperative pool.
public struct AccountDesk: Sendable {
    let store: any AccountStore
    let cost: Int
    let logger: Logger

    public init(store: any AccountStore, bcryptCost: Int = 12, logger: Logger) {
        self.store = store
        self.cost = bcryptCost
        self.logger = logger
    }

    /// Shortest password accepted.
    public static let minimumPasswordLength = 10

    /// Creates an account. An approver must be given at least one pipeline.
    @discardableResult
    public func add(name: String, role: Account.Role, pipelines: [String], password: String, knownPipelines: [String]) async throws -> Account {
        let name = try Account.validName(name)
        let pipelines = try Self.checkedPipelines(pipelines, role: role, known: knownPipelines)
        try Self.checkPassword(password)
        let account = Account(name: name, role: role, pipelines: pipelines, passwordHash: await hash(password))
        try await store.insertAccount(account)
        logger.notice("account created", metadata: ["guichet.account": "\(name)", "guichet.account.role": "\(role.rawValue)"])
        return account
    }

    /// Sets a new password and signs the account out everywhere.
    public func setPassword(name: String, password: String) async throws {
        try Self.checkPassword(password)
        let h = await hash(password)
        try await store.updateAccount(named: name) {
            $0.passwordHash = h
            $0.passwordChangedAt = Date()
        }
        try await store.deleteSessions(of: name)
        logger.notice("password changed", metadata: ["guichet.account": "\(name)"])
    }

    /// Disables an account (its history stays) and ends its sessions.
    public func disable(name: String) async throws {
        try await store.updateAccount(named: name) { $0.disabled = true }
        try await store.deleteSessions(of: name)
        logger.notice("account disabled", metadata: ["guichet.account": "\(name)"])
    }

    public func enable(name: String) async throws {
        try await store.updateAccount(named: name) { $0.disabled = false }
    }

    public func list() async throws -> [Account] { try await store.accounts() }

    /// The account when the name and password match an enabled account, else nil. An unknown
    /// name costs the same bcrypt work as a wrong password, so timing does not reveal which
    /// names exist.
    public func authenticate(name: String, password: String) async throws -> Account? {
        let account = try await store.account(named: name)
        let ok = await verify(password, hash: account?.passwordHash ?? Self.decoyHash)
        guard ok, let account, !account.disabled else { return nil }
        return account
    }

    func hash(_ password: String) async -> String {
        let cost = UInt8(clamping: cost)
        return await Self.offPool { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async -> Bool {
        await Self.offPool { Bcrypt.verify(password, hash: hash) }
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: work()) }
        }
    }

    /// A valid hash of a random string, compared against when a name is unknown.
    static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 12)

    static func checkPassword(_ p: String) throws {
        guard p.count >= minimumPasswordLength, p.count <= 72 else {
            throw GuichetError(.configuration, "a password has \(minimumPasswordLength) to 72 characters",
                               userMessage: "Le mot de passe doit comporter de \(minimumPasswordLength) à 72 caractères.")
        }
    }

    static func checkedPipelines(_ given: [String], role: Account.Role, known: [String]) throws -> [String] {
        let list = given.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let unknown = list.first(where: { !known.contains($0) }) {
            throw GuichetError(.unknownPipeline, "unknown pipeline '\(unknown)'; configured: \(known.joined(separator: ", "))")
        }
        if role == .approver && list.isEmpty {
            throw GuichetError(.configuration, "an approver needs --pipelines (one or more of: \(known.joined(separator: ", ")))")
        }
        return Array(Set(list)).sorted()
    }
}
