import Metrics

/// The model client's figures, through swift-metrics (the daemon exports them as Prometheus
/// text at `/metrics`; without a metrics backend they cost nothing).
enum LLMMetrics {
    static let retries = Counter(label: "guichet_model_retries_total")
    static let tokensIn = Counter(label: "guichet_model_tokens_total", dimensions: [("direction", "in")])
    static let tokensOut = Counter(label: "guichet_model_tokens_total", dimensions: [("direction", "out")])

    /// One HTTP attempt: its latency by outcome, its tokens, and its error kind.
    static func attempt(_ outcome: ResponseClassifier.Outcome, nanoseconds: UInt64) {
        switch outcome {
        case .success(let c):
            Timer(label: "guichet_model_request_duration_seconds", dimensions: [("outcome", "ok")]).recordNanoseconds(Int64(clamping: nanoseconds))
            tokensIn.increment(by: c.promptTokens)
            tokensOut.increment(by: c.completionTokens)
        case .failure(let e, _):
            Timer(label: "guichet_model_request_duration_seconds", dimensions: [("outcome", "error")]).recordNanoseconds(Int64(clamping: nanoseconds))
            Counter(label: "guichet_model_errors_total", dimensions: [("kind", "\(e.code)")]).increment()
        }
    }
}
