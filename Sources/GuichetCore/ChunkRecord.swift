import Foundation

/// One piece of a job's text, and the model's answer once it arrived. Stored as soon as the
/// answer arrives so that a restarted daemon never sends a finished chunk again.
public struct ChunkRecord: Sendable, Codable, Equatable {
    public var jobID: JobID
    public var index: Int
    /// Which stage the chunk belongs to: `map` or `reduce`.
    public var stage: String
    /// The text sent to the model (already stripped of everything that must not change).
    public var source: String
    public var result: String?
    public var model: String?
    public var promptTokens: Int
    public var completionTokens: Int
    public var attempts: Int
    public var completedAt: Date?
    public var durationMs: Int?

    public init(jobID: JobID, index: Int, stage: String = "map", source: String) {
        self.jobID = jobID
        self.index = index
        self.stage = stage
        self.source = source
        self.result = nil
        self.model = nil
        self.promptTokens = 0
        self.completionTokens = 0
        self.attempts = 0
        self.completedAt = nil
        self.durationMs = nil
    }

    public var isDone: Bool { result != nil }
}

/// The model's answer for one chunk.
public struct ChunkResult: Sendable, Equatable {
    public var text: String
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var attempts: Int
    public var durationMs: Int

    public init(
        text: String, model: String, promptTokens: Int, completionTokens: Int, attempts: Int,
        durationMs: Int
    ) {
        self.text = text
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.attempts = attempts
        self.durationMs = durationMs
    }
}
