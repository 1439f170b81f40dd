/// How approvers are told that results wait for their review.
///
/// Both channels are off by default: a daemon without this section sends nothing. Every time is
/// in seconds, as in the rest of the configuration.
public struct NotificationSettings: Sendable, Equatable {
    /// The e-mail channel, or nil to send no mail.
    public var email: EmailSettings?
    /// The webhook channel, or nil to post nothing.
    public var webhook: WebhookSettings?
    /// Minimum seconds between two digests on one channel. New items arriving in between wait
    /// for the next digest, so approvers get a summary rather than one message per file.
    public var interval: Double
    /// The approvers' web page (e.g. `https://guichet.example.org/review`), linked in every
    /// message; nil when there is none.
    public var pageURL: String?
    /// Seconds between two looks at the pending items.
    public var pollInterval: Double

    /// Creates settings; with no argument, every channel is off.
    public init(
        email: EmailSettings? = nil, webhook: WebhookSettings? = nil, interval: Double = 900,
        pageURL: String? = nil, pollInterval: Double = 30
    ) {
        self.email = email
        self.webhook = webhook
        self.interval = interval
        self.pageURL = pageURL
        self.pollInterval = pollInterval
    }

    /// Whether at least one channel is configured (otherwise the daemon need not run the service).
    public var isEnabled: Bool { email != nil || webhook != nil }

    /// Checks every value a daemon should refuse at start rather than discover at the first digest.
    ///
    /// - Throws: `NotifyError` with code `.invalidSettings` naming the key to fix.
    public func validate() throws {
        guard interval >= 0, interval.isFinite else {
            throw NotifyError.invalidSettings("notifications.interval must be a number of seconds ≥ 0")
        }
        guard pollInterval > 0, pollInterval.isFinite else {
            throw NotifyError.invalidSettings("notifications.poll_interval must be a number of seconds > 0")
        }
        if let pageURL {
            guard pageURL.hasPrefix("http://") || pageURL.hasPrefix("https://"), !pageURL.contains(where: \.isControlOrSpace) else {
                throw NotifyError.invalidSettings("notifications.page_url must be an http:// or https:// URL without spaces")
            }
        }
        try email?.validate()
        try webhook?.validate()
    }
}

/// Keeps credentials and secret paths out of logs.
enum URLRedaction {
    /// `smtp://user:pass@host:25` → `smtp://<redacted>@host:25`.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "<redacted>" + String(rest[at...])
    }

    /// `https://hooks.example.org/services/T0/B0/secret` → `https://hooks.example.org`.
    static func origin(_ url: String) -> String {
        let safe = redacted(url)
        guard let schemeEnd = safe.range(of: "://") else { return "<invalid url>" }
        let rest = safe[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        return String(safe[..<authorityEnd])
    }
}

extension Character {
    /// Spaces, tabs, CR, LF and every other control character.
    var isControlOrSpace: Bool {
        unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }
}
