/// A digest that could not be delivered, or settings that cannot work.
///
/// Modelled on `LLMError` and `GuichetError`: a small extensible code, a message for the log, and
/// the remedy — what the operator should check or change. Neither ever contains a password, a
/// webhook secret, or document text.
public struct NotifyError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable kind; extensible without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A setting cannot work (wrong URL scheme, no recipient, bad secret).
        public static let invalidSettings = Code(rawValue: "invalid_settings")
        /// The message itself was refused before sending: an address or header with a line
        /// break or control character (header injection), or an address that is not one.
        public static let invalidMessage = Code(rawValue: "invalid_message")
        /// The server could not be reached (DNS, refused connection, dropped connection).
        public static let connectionFailed = Code(rawValue: "connection_failed")
        /// The connection or the whole exchange took longer than its timeout.
        public static let timedOut = Code(rawValue: "timed_out")
        /// TLS could not be set up: no STARTTLS offered, handshake or certificate failure.
        public static let tlsFailed = Code(rawValue: "tls_failed")
        /// The SMTP server refused the user name or password.
        public static let authenticationFailed = Code(rawValue: "authentication_failed")
        /// The SMTP server refused the sender address (`MAIL FROM`).
        public static let senderRefused = Code(rawValue: "sender_refused")
        /// The SMTP server refused a recipient (`RCPT TO`).
        public static let recipientRefused = Code(rawValue: "recipient_refused")
        /// The SMTP server refused the message or answered something unexpected.
        public static let serverRefused = Code(rawValue: "server_refused")
        /// The webhook answered with a status outside 2xx.
        public static let httpStatus = Code(rawValue: "http_status")
        /// The calling task was cancelled (shutdown).
        public static let cancelled = Code(rawValue: "cancelled")
        /// libcurl could not be set up (out of memory, missing protocol support).
        public static let internalError = Code(rawValue: "internal")
    }

    /// The failure kind.
    public var code: Code
    /// For logs and operators (English).
    public var message: String
    /// What the operator should do about it.
    public var remedy: String
    /// The SMTP reply code or HTTP status of the last answer, when there was one.
    public var serverStatus: Int?
    /// A lower-level cause (libcurl's message), if any.
    public var underlying: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, remedy: String, serverStatus: Int? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.remedy = remedy
        self.serverStatus = serverStatus
        self.underlying = underlying
    }

    /// True when the same digest may go through later unchanged: network trouble, timeouts,
    /// SMTP 4xx replies, HTTP 429 and 5xx. False when a setting or the message must change first.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .timedOut: return true
        case .senderRefused, .recipientRefused, .serverRefused:
            return serverStatus.map { (400..<500).contains($0) } ?? true
        case .httpStatus:
            return serverStatus.map { $0 == 429 || $0 >= 500 } ?? true
        default: return false
        }
    }

    public var description: String {
        var text = "NotifyError.\(code): \(message)"
        var details: [String] = []
        if let serverStatus { details.append("status \(serverStatus)") }
        if let underlying, !underlying.isEmpty { details.append("underlying: \(underlying)") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text + " — " + remedy
    }

    static func invalidSettings(_ message: String) -> NotifyError {
        NotifyError(.invalidSettings, message, remedy: "Fix the [notifications] section of the configuration and restart.")
    }

    static func invalidMessage(_ message: String) -> NotifyError {
        NotifyError(
            .invalidMessage, message,
            remedy: "Remove line breaks and control characters from the addresses and texts in [notifications.email]."
        )
    }

    static let cancelled = NotifyError(.cancelled, "the send was cancelled", remedy: "None: the daemon is stopping.")
}
