import Foundation

/// A cookie as the browser holds it (W3C "serialized cookie").
public struct WebDriverCookie: Sendable, Hashable {
    public var name: String
    /// The raw value, as the server set it (still percent-encoded if it was).
    public var value: String
    public var path: String?
    public var domain: String?
    public var secure: Bool
    public var httpOnly: Bool
    /// Seconds since the epoch; nil for a session cookie.
    public var expiry: Int?
    /// `Strict`, `Lax` or `None`.
    public var sameSite: String?

    init?(_ json: JSONValue) {
        guard let name = json["name"]?.stringValue, let value = json["value"]?.stringValue else { return nil }
        self.name = name
        self.value = value
        self.path = json["path"]?.stringValue
        self.domain = json["domain"]?.stringValue
        self.secure = json["secure"]?.boolValue ?? false
        self.httpOnly = json["httpOnly"]?.boolValue ?? false
        self.expiry = json["expiry"]?.numberValue.map { Int($0) }
        self.sameSite = json["sameSite"]?.stringValue
    }
}
