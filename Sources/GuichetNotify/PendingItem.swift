import Foundation

/// One result waiting for an approver: what the digest may say about it, and nothing more.
///
/// There is deliberately no field for the document's text: a digest goes to mailboxes and chat
/// rooms outside Guichet, so it names files and never quotes them.
public struct PendingItem: Sendable, Equatable, Hashable, Codable {
    /// A stable identifier (the job ID): an item keeps it from its arrival to its decision.
    public var id: String
    /// The pipeline that produced the result, e.g. `translate`.
    public var pipeline: String
    /// The dropped file's name, e.g. `rapport-annuel.docx`. Only its last path component is shown.
    public var sourceName: String
    /// When the result became ready for review.
    public var waitingSince: Date

    /// Creates an item.
    public init(id: String, pipeline: String, sourceName: String, waitingSince: Date) {
        self.id = id
        self.pipeline = pipeline
        self.sourceName = sourceName
        self.waitingSince = waitingSince
    }
}

/// Where the service learns what waits for review. The daemon implements it over its job store
/// (jobs in the awaiting-review state); tests use an in-memory list.
public protocol PendingItemSource: Sendable {
    /// Every item awaiting review now. Called once per poll; should be one indexed query.
    func pendingItems() async throws -> [PendingItem]
}
