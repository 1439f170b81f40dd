import Logging

/// A tiny health checker: `GET` a URL with libcurl and report the HTTP status.
///
/// Used to check `GET /health` of a model server (llama.cpp answers 200 when ready and 503
/// while the model is loading). The blocking transfer runs on its own Dispatch queue, so the
/// call never blocks Swift's cooperative pool; cancelling the calling task aborts it.
public struct HTTPProbe: Sendable {
    private let logger: Logger?

    /// Creates a probe; pass a logger to get a debug line per failed probe.
    public init(logger: Logger? = nil) {
        self.logger = logger
    }

    /// Fetches `url` and returns its HTTP status code, or nil when no HTTP response was received
    /// (connection refused, timeout, invalid URL, cancellation).
    /// - Parameters:
    ///   - url: absolute `http://` or `https://` URL, e.g. `"http://127.0.0.1:8089/health"`.
    ///   - timeout: whole-request timeout in seconds (also caps the connect time).
    public func get(url: String, timeout: Double = 2) async -> Int? {
        let milliseconds = LLMClientConfiguration.milliseconds(timeout)
        let request = CurlTransferRequest(
            url: url,
            method: .get,
            timeoutMilliseconds: milliseconds,
            connectTimeoutMilliseconds: milliseconds,
            maxResponseBytes: 1024 * 1024
        )
        guard let result = await CurlLane.performOnce(request) else { return nil }
        if let error = ResponseClassifier.transportError(result, attempt: 1) {
            logger?.debug("health probe failed", metadata: [
                "guichet.llm.error": "\(error.code)",
                "guichet.llm.url": "\(url)",
            ])
            return nil
        }
        return result.httpStatus == 0 ? nil : result.httpStatus
    }

    /// Convenience: whether `GET url` answers 2xx within `timeout`.
    public func isHealthy(url: String, timeout: Double = 2) async -> Bool {
        guard let status = await get(url: url, timeout: timeout) else { return false }
        return (200..<300).contains(status)
    }
}
