/// A way to reach approvers with a digest (e-mail, webhook, or a test double).
public protocol NotificationChannel: Sendable {
    /// A short stable name for logs and metadata, e.g. `email`, `webhook`.
    var name: String { get }
    /// Delivers one digest; returns once the receiving server accepted it.
    ///
    /// - Throws: preferably `NotifyError`; any error counts as "not delivered", and the digest
    ///   is tried again at the next poll.
    func deliver(_ digest: Digest) async throws
    /// Who the channel reaches (the recipients, the URL): what it announced is remembered under
    /// this, so that new recipients hear of what waits. Defaults to ``name``.
    var audience: String { get }
}

extension NotificationChannel {
    public var audience: String { name }
}
