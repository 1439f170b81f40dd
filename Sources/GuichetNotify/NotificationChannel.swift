/// A way to reach approvers with a digest (e-mail, webhook, or a test double).
public protocol NotificationChannel: Sendable {
    /// A short stable name for logs and metadata, e.g. `email`, `webhook`.
    var name: String { get }
    /// Delivers one digest; returns once the receiving server accepted it.
    ///
    /// - Throws: preferably `NotifyError`; any error counts as "not delivered", and the digest
    ///   is tried again at the next poll.
    func deliver(_ digest: Digest) async throws
}
