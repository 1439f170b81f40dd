/// Where a job is in its life. `queued → processing → awaiting_review → approved | rejected`,
/// or `failed` with a reason. Terminal states never change again.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued
    case processing
    case awaitingReview = "awaiting_review"
    case approved
    case rejected
    case failed

    /// No transition leaves a terminal state.
    public var isTerminal: Bool {
        switch self {
        case .approved, .rejected, .failed: return true
        case .queued, .processing, .awaitingReview: return false
        }
    }

    /// Whether the state machine allows `self → next`.
    public func canMove(to next: JobState) -> Bool {
        switch (self, next) {
        case (.queued, .processing), (.queued, .failed): return true
        case (.processing, .queued), (.processing, .awaitingReview), (.processing, .failed): return true
        case (.awaitingReview, .approved), (.awaitingReview, .rejected): return true
        // An approver may send an item back for a new run ("re-run with an instruction").
        case (.awaitingReview, .queued): return true
        default: return false
        }
    }
}
