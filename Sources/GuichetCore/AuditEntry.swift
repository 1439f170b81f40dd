import Foundation

/// One line of the audit trail: who did what to which job, when, with which model and tokens.
public struct AuditEntry: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        case received, processingStarted = "processing_started", retryScheduled = "retry_scheduled"
        case processed, failed, approved, rejected, published, requeued
        /// An approver corrected the result before deciding.
        case edited
    }

    public var id: Int64?
    public var jobID: JobID
    public var at: Date
    /// A person's name for decisions, `guichet` for the machine.
    public var actor: String
    public var action: Action
    public var model: String?
    public var promptVersion: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var detail: String?

    public init(
        jobID: JobID, at: Date = Date(), actor: String, action: Action, model: String? = nil,
        promptVersion: String? = nil, promptTokens: Int? = nil, completionTokens: Int? = nil,
        detail: String? = nil
    ) {
        self.id = nil
        self.jobID = jobID
        self.at = at
        self.actor = actor
        self.action = action
        self.model = model
        self.promptVersion = promptVersion
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.detail = detail
    }

    /// The machine's own name in the trail.
    public static let machineActor = "guichet"
}
