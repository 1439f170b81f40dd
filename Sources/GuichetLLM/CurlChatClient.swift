import Dispatch
import Logging

/// The production `ChatClient`: OpenAI-compatible `POST /chat/completions` over libcurl.
///
/// - Blocking `curl_easy_perform` calls run on per-handle serial Dispatch queues, never on the
///   cooperative pool; callers suspend on a continuation.
/// - At most `maxConcurrentRequests` requests are in flight across all callers (FIFO queueing).
/// - Easy handles are pooled, so keep-alive connections are reused.
/// - Transient failures (connection errors, timeouts, 429, 5xx, malformed or truncated bodies)
///   are retried with exponential backoff and full jitter, honouring `Retry-After` on 429/503.
/// - Cancelling the calling task aborts the in-flight request and throws `LLMError.cancelled`.
/// - Logs status, attempt and latency; never message contents or the API key.
public final class CurlChatClient: ChatClient {
    /// The configuration this client was created with.
    public let configuration: LLMClientConfiguration
    private let logger: Logger
    private let semaphore: AsyncSemaphore
    private let pool: CurlHandlePool
    private let retryPolicy: RetryPolicy

    /// Creates a client. Calls `curl_global_init` the first time a client is created.
    public init(configuration: LLMClientConfiguration, logger: Logger = Logger(label: "guichet.llm")) {
        CurlGlobal.ensureInitialized()
        self.configuration = configuration
        self.logger = logger
        self.semaphore = AsyncSemaphore(permits: configuration.effectiveMaxConcurrentRequests)
        self.pool = CurlHandlePool(capacity: configuration.effectiveMaxConcurrentRequests)
        self.retryPolicy = RetryPolicy(configuration: configuration)
    }

    /// Sends `request`, retrying transient failures up to `maxAttempts` times in total.
    ///
    /// - Throws: `LLMError`. `isTransient` tells whether the job should be re-queued.
    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let body: [UInt8]
        do {
            body = try request.encodedBody()
        } catch {
            throw LLMError(code: .clientError, message: "the request could not be encoded as JSON", attempts: 0,
                           underlying: String(describing: type(of: error)))
        }
        let transfer = CurlTransferRequest(
            url: configuration.chatCompletionsURL,
            method: .post,
            body: body,
            headers: headerLines(),
            timeoutMilliseconds: LLMClientConfiguration.milliseconds(configuration.requestTimeout),
            connectTimeoutMilliseconds: LLMClientConfiguration.milliseconds(configuration.connectTimeout)
        )

        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw LLMError.cancelled(attempts: attempt - 1) }

            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = try await performAttempt(transfer, model: request.model, attempt: attempt)
            let elapsed = DispatchTime.now().uptimeNanoseconds &- started
            let latencyMs = Int(elapsed / 1_000_000)
            LLMMetrics.attempt(outcome, nanoseconds: elapsed)

            switch outcome {
            case .success(let completion):
                logger.debug("chat completion succeeded", metadata: [
                    "guichet.llm.status": "200",
                    "guichet.llm.attempt": "\(attempt)",
                    "guichet.llm.latency_ms": "\(latencyMs)",
                    "guichet.llm.model": "\(request.model)",
                    "guichet.llm.prompt_tokens": "\(completion.promptTokens)",
                    "guichet.llm.completion_tokens": "\(completion.completionTokens)",
                    "guichet.llm.finish_reason": "\(completion.finishReason ?? "none")",
                ])
                return completion

            case .failure(let error, let retryAfter):
                var metadata: Logger.Metadata = [
                    "guichet.llm.error": "\(error.code)",
                    "guichet.llm.attempt": "\(attempt)",
                    "guichet.llm.latency_ms": "\(latencyMs)",
                    "guichet.llm.model": "\(request.model)",
                ]
                if let status = error.httpStatus { metadata["guichet.llm.status"] = "\(status)" }
                if error.code == .cancelled {
                    logger.debug("chat completion cancelled", metadata: metadata)
                    throw error
                }
                guard error.isRetryable, attempt < retryPolicy.maxAttempts else {
                    logger.warning("chat completion failed", metadata: metadata)
                    throw error
                }
                let delay = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter)
                metadata["guichet.llm.retry_in_ms"] = "\(Int(delay * 1000))"
                logger.notice("chat completion attempt failed; retrying", metadata: metadata)
                LLMMetrics.retries.increment()
                do {
                    try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                } catch {
                    throw LLMError.cancelled(attempts: attempt)
                }
            }
        }
    }

    /// One HTTP attempt: waits for a concurrency permit, runs the transfer on a pooled lane,
    /// and classifies the result.
    private func performAttempt(_ transfer: CurlTransferRequest, model: String, attempt: Int) async throws
        -> ResponseClassifier.Outcome
    {
        do {
            try await semaphore.acquire()
        } catch {
            throw LLMError.cancelled(attempts: attempt - 1)
        }
        defer { semaphore.release() }

        guard let lane = pool.checkOut() else {
            return .failure(LLMError(code: .connectionFailed, message: "libcurl could not allocate a handle",
                                     attempts: attempt), retryAfter: nil)
        }
        let result = await lane.perform(transfer)
        pool.checkIn(lane)
        return ResponseClassifier.classify(result, requestedModel: model, attempt: attempt)
    }

    /// Request headers. The `Authorization` line is only present when an API key is set.
    private func headerLines() -> [String] {
        var lines = [
            "Content-Type: application/json",
            "Accept: application/json",
            "Expect:",  // no "100-continue" round trip for large prompts
        ]
        if let key = configuration.apiKey, !key.isEmpty {
            lines.append("Authorization: Bearer \(key)")
        }
        return lines
    }

    /// Number of libcurl handles created so far (each holds its own keep-alive connection).
    var handlesCreated: Int { pool.createdCount }
}
