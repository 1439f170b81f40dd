import CCurl
import Foundation

/// Sends mail through an SMTP server with libcurl: one connection, one message, then QUIT.
///
/// - The message is built by `MailMessage` (headers checked against injection, UTF-8 subject
///   as RFC 2047 words, base64 body) and uploaded through `CURLOPT_READFUNCTION`.
/// - `smtps://` is TLS from the start; on `smtp://`, `starttls` makes TLS mandatory
///   (`CURLUSESSL_ALL`): without it, libcurl would send the password in clear to a server
///   that does not offer STARTTLS.
/// - The blocking transfer runs on a Dispatch queue of its own, never on the cooperative pool.
/// - The password only goes to libcurl (`CURLOPT_PASSWORD`); errors and logs never contain it.
public struct SMTPMailer: NotificationChannel {
    /// `email`.
    public var name: String { "email" }
    public var audience: String { "email " + settings.to.map { $0.lowercased() }.sorted().joined(separator: ",") }
    /// The server, credentials and addresses.
    public let settings: EmailSettings
    /// The language of the digests this mailer composes.
    public let texts: DigestTexts
    private let runner = CurlRunner(label: "guichet.notify.smtp")

    /// Creates a mailer. Nothing is checked or connected until the first send.
    public init(settings: EmailSettings, texts: DigestTexts = .french) {
        self.settings = settings
        self.texts = texts
    }

    /// Sends the digest to `settings.to`, from `settings.from`.
    public func deliver(_ digest: Digest) async throws {
        try await send(MailMessage(
            from: settings.from, fromName: settings.fromName, to: settings.to,
            subject: digest.subject(texts), body: digest.body(texts), date: digest.generatedAt
        ))
    }

    /// Sends one message; the envelope is the message's `from` and `to`.
    ///
    /// - Throws: `NotifyError` — `.invalidMessage` before anything is sent when a header could be
    ///   forged; otherwise what the server or the network did (`.recipientRefused`,
    ///   `.authenticationFailed`, `.tlsFailed`, `.timedOut`, …) with the remedy.
    public func send(_ message: MailMessage) async throws {
        try settings.validate()
        let bytes = try message.rendered()
        let transfer = CurlTransfer(
            url: settings.url,
            smtp: CurlTransfer.SMTP(
                from: message.from, recipients: message.to, requireTLS: settings.starttls,
                username: settings.username, password: settings.password
            ),
            payload: bytes, timeout: settings.timeout, connectTimeout: min(settings.connectTimeout, settings.timeout)
        )
        let outcome = await runner.run(transfer)
        if let error = Self.error(for: outcome, server: URLRedaction.redacted(settings.url)) { throw error }
    }

    /// Reads a finished transfer; nil when the server accepted the message.
    static func error(for outcome: CurlOutcome, server: String) -> NotifyError? {
        guard !outcome.succeeded else { return nil }
        let target = "SMTP \(server)"
        if let common = outcome.commonError(target: target, setting: "notifications.email.url") { return common }
        let code = CURLcode(rawValue: outcome.curlCode)
        let status = outcome.responseCode > 0 ? outcome.responseCode : nil
        let detail = outcome.message
        let temporary = status.map { (400..<500).contains($0) } ?? false
        let later = temporary ? " The server said to try later: the next poll will." : ""

        if code == CURLE_LOGIN_DENIED || detail.localizedCaseInsensitiveContains("authentication") {
            return NotifyError(
                .authenticationFailed, "\(target) refused the user name or password",
                remedy: "Check notifications.email.username and the password (and that the account may send mail).",
                serverStatus: status, underlying: detail)
        }
        // libcurl's own wording for the envelope steps: "MAIL failed: 550", "RCPT failed: 550".
        if detail.hasPrefix("RCPT") {
            return NotifyError(
                .recipientRefused, "\(target) refused a recipient",
                remedy: "Check the addresses in notifications.email.to; the server's log says which one and why.\(later)",
                serverStatus: status, underlying: detail)
        }
        if detail.hasPrefix("MAIL") {
            return NotifyError(
                .senderRefused, "\(target) refused the sender address",
                remedy: "Check notifications.email.from: the server may only accept a sender of its own domain or of the authenticated account.\(later)",
                serverStatus: status, underlying: detail)
        }
        if code == CURLE_REMOTE_ACCESS_DENIED {
            return NotifyError(
                .serverRefused, "\(target) refused access",
                remedy: "Check whether this machine may relay through the server, or configure a username and password.\(later)",
                serverStatus: status, underlying: detail)
        }
        return NotifyError(
            .serverRefused, "\(target) did not accept the message",
            remedy: "Read the server's answer below and its log.\(later)",
            serverStatus: status, underlying: detail)
    }
}
