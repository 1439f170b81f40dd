/// The SMTP server and the addresses of one e-mail channel.
public struct EmailSettings: Sendable, Equatable, CustomStringConvertible {
    /// `smtp://host:port` (STARTTLS or plain) or `smtps://host:port` (TLS from the first byte).
    /// A path sets the EHLO name (`smtp://mail:587/guichet.example.org`); by default libcurl
    /// sends this machine's host name. Put credentials in `username`/`password`, not in the URL.
    public var url: String
    /// Require STARTTLS on an `smtp://` URL (`CURLUSESSL_ALL`): the mail is not sent if the
    /// server does not offer it. Leave false only for a relay on the same host or a trusted LAN.
    public var starttls: Bool
    /// SMTP AUTH user name, nil for a relay that needs none.
    public var username: String?
    /// SMTP AUTH password. Never logged, never in `description`.
    public var password: String?
    /// The sender address (envelope and `From:`), e.g. `guichet@example.org`.
    public var from: String
    /// The display name in `From:`.
    public var fromName: String
    /// The approvers' addresses (envelope and `To:`).
    public var to: [String]
    /// Seconds to wait for the TCP (and TLS) connection.
    public var connectTimeout: Double
    /// Seconds the whole exchange may take.
    public var timeout: Double

    /// Creates e-mail settings.
    public init(
        url: String, starttls: Bool = false, username: String? = nil, password: String? = nil,
        from: String, fromName: String = "Guichet", to: [String], connectTimeout: Double = 10, timeout: Double = 60
    ) {
        self.url = url
        self.starttls = starttls
        self.username = username
        self.password = password
        self.from = from
        self.fromName = fromName
        self.to = to
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The settings with the password hidden, safe for logs.
    public var description: String {
        "EmailSettings(url: \(URLRedaction.redacted(url)), starttls: \(starttls), username: \(username ?? "none"), "
            + "password: \(password == nil ? "none" : "<redacted>"), from: \(from), to: \(to))"
    }

    /// Checks the URL scheme and the addresses.
    public func validate() throws {
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw NotifyError.invalidSettings("notifications.email.url must start with smtp:// or smtps://")
        }
        guard !url.contains(where: \.isControlOrSpace) else {
            throw NotifyError.invalidSettings("notifications.email.url must not contain spaces or control characters")
        }
        guard !to.isEmpty else {
            throw NotifyError.invalidSettings("notifications.email.to needs at least one address")
        }
        guard connectTimeout > 0, timeout > 0 else {
            throw NotifyError.invalidSettings("notifications.email timeouts must be > 0 seconds")
        }
        try MailAddress.validate(from, field: "notifications.email.from")
        for address in to { try MailAddress.validate(address, field: "notifications.email.to") }
        try MailHeader.checkText(fromName, field: "notifications.email.from_name")
    }
}
