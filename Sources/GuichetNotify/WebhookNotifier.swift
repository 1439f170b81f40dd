import Foundation

/// Posts each digest as JSON (`WebhookPayload`) to a URL: a chat bridge, a ticketing system, a
/// small script. Any 2xx answer is success; anything else, redirects included, is an error.
///
/// The blocking transfer runs on a Dispatch queue of its own, never on the cooperative pool. The
/// secret only goes into the `Authorization` header; the URL, which for chat webhooks is a
/// secret too, only ever appears in errors as scheme and host.
public struct WebhookNotifier: NotificationChannel {
    /// `webhook`.
    public var name: String { "webhook" }
    public var audience: String { "webhook " + settings.url }
    /// Where and how to post.
    public let settings: WebhookSettings
    private let runner = CurlRunner(label: "guichet.notify.webhook")

    /// Creates a notifier. Nothing is checked or connected until the first post.
    public init(settings: WebhookSettings) {
        self.settings = settings
    }

    /// Posts the digest's `WebhookPayload`.
    public func deliver(_ digest: Digest) async throws {
        try await post(WebhookPayload(digest))
    }

    /// Posts one payload.
    ///
    /// - Throws: `NotifyError` — `.httpStatus` for an answer outside 2xx (with the status and the
    ///   start of the answer), or the network failure (`.connectionFailed`, `.timedOut`, …).
    public func post(_ payload: WebhookPayload) async throws {
        try settings.validate()
        var headers = [
            "Content-Type: application/json",
            "Accept: application/json, text/plain, */*",
            "User-Agent: Guichet-Notify/1",
            "Expect:",  // no "100-continue" round trip for a small body
        ]
        if let secret = settings.secret { headers.append("Authorization: Bearer \(secret)") }
        let transfer = CurlTransfer(
            url: settings.url, httpHeaders: headers, payload: try payload.jsonBytes(),
            timeout: settings.timeout, connectTimeout: min(10, settings.timeout)
        )
        let outcome = await runner.run(transfer)
        if let error = Self.error(for: outcome, origin: URLRedaction.origin(settings.url)) { throw error }
    }

    /// Reads a finished transfer; nil when the receiver answered 2xx.
    static func error(for outcome: CurlOutcome, origin: String) -> NotifyError? {
        let target = "webhook \(origin)"
        if !outcome.succeeded {
            if let common = outcome.commonError(target: target, setting: "notifications.webhook.url") { return common }
            return NotifyError(
                .connectionFailed, "\(target): the request failed",
                remedy: "Check that notifications.webhook.url points at a running HTTP service.",
                serverStatus: outcome.responseCode > 0 ? outcome.responseCode : nil, underlying: outcome.message)
        }
        let status = outcome.responseCode
        guard !(200..<300).contains(status) else { return nil }
        let remedy: String
        switch status {
        case 300..<400: remedy = "The receiver redirects: put the final URL in notifications.webhook.url."
        case 401, 403: remedy = "The receiver refused the credentials: check notifications.webhook.secret."
        case 404: remedy = "No receiver at that path: check notifications.webhook.url."
        case 429, 500...: remedy = "The receiver is overloaded or failing; the next poll tries again."
        default: remedy = "The receiver refused the request: read its answer below and its log."
        }
        return NotifyError(
            .httpStatus, "\(target) answered HTTP \(status)", remedy: remedy,
            serverStatus: status, underlying: Self.snippet(outcome.body))
    }

    /// The start of the answer as one printable line, for the log.
    static func snippet(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
