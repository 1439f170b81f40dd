/// Decides how long to wait between attempts: exponential backoff with full jitter, or the
/// server's `Retry-After` (capped by `maxBackoff`) on 429 / 503.
struct RetryPolicy: Sendable {
    var maxAttempts: Int
    var initialBackoff: Double
    var maxBackoff: Double

    init(configuration: LLMClientConfiguration) {
        maxAttempts = configuration.effectiveMaxAttempts
        initialBackoff = max(0, configuration.initialBackoff)
        maxBackoff = max(0, configuration.maxBackoff)
    }

    /// The exponential ceiling after failed attempt number `attempt` (1-based):
    /// `min(maxBackoff, initialBackoff * 2^(attempt-1))`.
    func backoffCeiling(afterAttempt attempt: Int) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        return min(maxBackoff, initialBackoff * pow2(exponent))
    }

    /// The wait before the next attempt, in seconds.
    /// - Parameters:
    ///   - attempt: the attempt that just failed (1-based).
    ///   - retryAfter: the server's `Retry-After` in seconds, when it sent one on 429/503.
    func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: Double?, using generator: inout G) -> Double {
        if let retryAfter, retryAfter.isFinite, retryAfter >= 0 {
            return min(retryAfter, maxBackoff)
        }
        let ceiling = backoffCeiling(afterAttempt: attempt)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling, using: &generator)  // full jitter
    }

    func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
    }

    /// Parses a `Retry-After` value given in delta-seconds (`"2"`, `"1.5"`).
    /// HTTP-date values are not supported and return nil (the normal backoff applies).
    static func parseRetryAfter(_ value: String?) -> Double? {
        guard let value else { return nil }
        let trimmed = value.filter { !$0.isWhitespace }
        guard let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            result *= 2
            remaining -= 1
        }
        return result
    }
}
