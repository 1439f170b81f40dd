@testable import GuichetLLM
import Testing

@Suite("RetryPolicy and classification")
struct RetryPolicyTests {
    @Test("full-jitter backoff stays within the exponential ceiling and maxBackoff")
    func backoffBounds() {
        let policy = RetryPolicy(configuration: LLMClientConfiguration(
            baseURL: "http://x/v1", initialBackoff: 0.5, maxBackoff: 4))
        #expect(policy.backoffCeiling(afterAttempt: 1) == 0.5)
        #expect(policy.backoffCeiling(afterAttempt: 2) == 1)
        #expect(policy.backoffCeiling(afterAttempt: 3) == 2)
        #expect(policy.backoffCeiling(afterAttempt: 4) == 4)
        #expect(policy.backoffCeiling(afterAttempt: 40) == 4)
        var sawSpread = false
        for attempt in 1...6 {
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
                #expect(delay >= 0 && delay <= policy.backoffCeiling(afterAttempt: attempt))
                if delay < policy.backoffCeiling(afterAttempt: attempt) / 2 { sawSpread = true }
            }
        }
        #expect(sawSpread, "full jitter should sometimes wait less than half the ceiling")
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3) == 3)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 60) == 4)
    }

    @Test("Retry-After parsing")
    func retryAfter() {
        #expect(RetryPolicy.parseRetryAfter("2") == 2)
        #expect(RetryPolicy.parseRetryAfter(" 1.5 ") == 1.5)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.parseRetryAfter("-1") == nil)
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
    }

    @Test("context-length wording")
    func contextWording() {
        #expect(ResponseClassifier.isContextLengthMessage("the request exceeds the available context size, try increasing it"))
        #expect(ResponseClassifier.isContextLengthMessage("This model's maximum context length is 8192 tokens"))
        #expect(ResponseClassifier.isContextLengthMessage("prompt has too many tokens"))
        #expect(!ResponseClassifier.isContextLengthMessage("'messages' must not be empty"))
        #expect(!ResponseClassifier.isContextLengthMessage(nil))
    }

    @Test("LLMError transience and description")
    func errorTransience() {
        #expect(LLMError(code: .connectionFailed, message: "").isTransient)
        #expect(LLMError(code: .timedOut, message: "").isTransient)
        #expect(LLMError(code: .rateLimited, message: "").isTransient)
        #expect(LLMError(code: .serverError, message: "").isTransient)
        #expect(!LLMError(code: .clientError, message: "").isTransient)
        #expect(!LLMError(code: .contextLengthExceeded, message: "").isTransient)
        #expect(!LLMError(code: .malformedResponse, message: "").isTransient)
        #expect(!LLMError(code: .cancelled, message: "").isTransient)
        let error = LLMError(code: .serverError, message: "boom", httpStatus: 502, attempts: 3)
        #expect(error.description == "LLMError.serverError: boom (HTTP 502, attempts: 3)")
    }
}
