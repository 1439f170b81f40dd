/// Where and how the JSON digest is posted.
public struct WebhookSettings: Sendable, Equatable, CustomStringConvertible {
    /// `http://` or `https://` URL receiving the POST. Often a secret itself (chat webhooks):
    /// only its scheme and host are ever logged.
    public var url: String
    /// Sent as `Authorization: Bearer <secret>` when set. Never logged.
    public var secret: String?
    /// Seconds the whole request may take (the connection gets at most 10 of them).
    public var timeout: Double

    /// Creates webhook settings.
    public init(url: String, secret: String? = nil, timeout: Double = 10) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }

    /// The settings with the secret and the URL's path hidden, safe for logs.
    public var description: String {
        "WebhookSettings(url: \(URLRedaction.origin(url)), secret: \(secret == nil ? "none" : "<redacted>"), timeout: \(timeout))"
    }

    /// Checks the URL scheme and that the secret cannot smuggle a header.
    public func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(where: \.isControlOrSpace) else {
            throw NotifyError.invalidSettings("notifications.webhook.url must be an http:// or https:// URL without spaces")
        }
        if let secret {
            // A CR or LF in a header line would let the secret inject more headers.
            guard !secret.isEmpty, secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw NotifyError.invalidSettings("notifications.webhook.secret must be printable ASCII without spaces")
            }
        }
        guard timeout > 0 else {
            throw NotifyError.invalidSettings("notifications.webhook.timeout must be > 0 seconds")
        }
    }
}
