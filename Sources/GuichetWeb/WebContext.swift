import GuichetCore
import Hummingbird
import NIOCore

/// What the web layer knows about a request: who is signed in, the parsed and CSRF-checked
/// form of a POST, and the client's address (for the sign-in rate limit).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, or `local` when there is none (in-process tests).
    public let remoteAddress: String
    public var account: Account?
    public var session: WebSession?
    /// A POST's fields and files, present only once its CSRF token was checked.
    public var form: FormInput?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Uploads are read by ``FormMiddleware`` with the configured limit; this bounds anything else.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The signed-in account, or a refusal (the session middleware already sent others to
    /// the sign-in page; this guards handlers against a routing mistake).
    func requireAccount() throws -> Account {
        guard let account, session != nil else { throw HTTPError(.unauthorized) }
        return account
    }
}

/// Fields and files of a submitted form.
public struct FormInput: Sendable {
    public struct File: Sendable {
        public var fileName: String
        public var contentType: String?
        public var data: [UInt8]
    }

    public var fields: [String: String]
    public var files: [String: File]

    public init(fields: [String: String] = [:], files: [String: File] = [:]) {
        self.fields = fields
        self.files = files
    }

    public subscript(_ name: String) -> String? { fields[name] }

    /// A field's text with surrounding blanks removed, or nil when absent or blank.
    public func text(_ name: String) -> String? {
        guard let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
