import Foundation

/// A document taken from a drop folder, and everything the machine did with it.
public struct Job: Sendable, Codable, Equatable, Identifiable {
    public var id: JobID
    /// The pipeline's name (`translate`, `proofread`, …).
    public var pipeline: String
    /// The file name as the agent dropped it.
    public var sourceName: String
    /// Path below the pipeline folder where it was dropped (`en/rapport.md`), for options
    /// that come from subfolders and for the error note written next to a failed file.
    public var sourceRelativePath: String
    /// Where the original is kept for the job's lifetime, relative to the state directory.
    public var originalPath: String
    public var format: String
    /// Pipeline options resolved at intake (for example `language = en`).
    public var options: [String: String]
    public var state: JobState
    public var createdAt: Date
    public var updatedAt: Date
    /// When a job waits for the model to come back, it is not picked before this date.
    public var notBefore: Date?
    public var attempts: Int
    public var failureCode: String?
    /// The explanation written for the person who dropped the file (French by default).
    public var failureReason: String?
    /// The result awaiting review, relative to the state directory.
    public var resultPath: String?
    /// Where the approved result was published, relative to the output directory.
    public var outputPath: String?
    public var model: String?
    public var promptVersion: String?
    public var promptTokens: Int
    public var completionTokens: Int
    /// Segments the machine could not handle cleanly and left as in the source, for the reviewer.
    public var flags: [String]
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionComment: String?

    public init(
        id: JobID = .generate(), pipeline: String, sourceName: String, sourceRelativePath: String,
        originalPath: String, format: String, options: [String: String] = [:],
        state: JobState = .queued, createdAt: Date = Date()
    ) {
        self.id = id
        self.pipeline = pipeline
        self.sourceName = sourceName
        self.sourceRelativePath = sourceRelativePath
        self.originalPath = originalPath
        self.format = format
        self.options = options
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.notBefore = nil
        self.attempts = 0
        self.failureCode = nil
        self.failureReason = nil
        self.resultPath = nil
        self.outputPath = nil
        self.model = nil
        self.promptVersion = nil
        self.promptTokens = 0
        self.completionTokens = 0
        self.flags = []
        self.decidedBy = nil
        self.decidedAt = nil
        self.decisionComment = nil
    }
}
