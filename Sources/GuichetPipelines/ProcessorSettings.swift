import GuichetConfig

/// What the processor needs from the configuration.
public struct ProcessorSettings: Sendable, Equatable {
    public var model: String
    public var chunkTokens: Int
    /// Chunks of one job in flight at once (the LLM client also bounds all jobs together).
    public var maxConcurrency: Int
    public var maxOutputTokens: Int
    /// Seconds a job waits before trying again when the model is unreachable.
    public var retryDelay: Double
    /// Rounds a job may get malformed answers before it fails (the model is up but broken).
    public var maxMalformedRounds: Int

    public init(model: String, chunkTokens: Int = 700, maxConcurrency: Int = 2, maxOutputTokens: Int = 2048,
                retryDelay: Double = 30, maxMalformedRounds: Int = 3) {
        self.model = model
        self.chunkTokens = chunkTokens
        self.maxConcurrency = maxConcurrency
        self.maxOutputTokens = maxOutputTokens
        self.retryDelay = retryDelay
        self.maxMalformedRounds = maxMalformedRounds
    }

    public init(_ c: GuichetConfiguration) {
        self.init(model: c.llm.model, chunkTokens: c.chunking.maxTokens, maxConcurrency: c.llm.maxConcurrentRequests,
                  maxOutputTokens: c.llm.maxOutputTokens, retryDelay: c.llm.retryDelay)
    }
}
