import CCurl
import Foundation

/// Turns the raw result of one transfer into a completion or an `LLMError`.
enum ResponseClassifier {
    /// The outcome of one attempt.
    enum Outcome: Sendable {
        case success(ChatCompletion)
        /// `retryAfter` is the server's `Retry-After` (seconds), honoured on 429 and 503 only.
        case failure(LLMError, retryAfter: Double?)
    }

    /// Classifies one attempt of a chat completion.
    static func classify(_ result: CurlTransferResult, requestedModel: String, attempt: Int) -> Outcome {
        if let transportError = transportError(result, attempt: attempt) {
            return .failure(transportError, retryAfter: nil)
        }
        let status = result.httpStatus
        switch status {
        case 200..<300:
            switch ChatCompletion.parse(body: result.body, requestedModel: requestedModel, attempts: attempt) {
            case .success(let completion):
                return .success(completion)
            case .failure(let shape):
                return .failure(LLMError(
                    code: .malformedResponse,
                    message: "the server's response is not a usable chat completion: \(shape.reason)",
                    httpStatus: status, attempts: attempt
                ), retryAfter: nil)
            }
        default:
            let serverMessage = serverErrorMessage(from: result.body)
            let retryAfter = (status == 429 || status == 503)
                ? RetryPolicy.parseRetryAfter(result.headers["retry-after"]) : nil
            return .failure(httpError(status: status, serverMessage: serverMessage, attempt: attempt), retryAfter: retryAfter)
        }
    }

    /// Maps a libcurl failure to an error, or returns nil when the transfer itself succeeded.
    static func transportError(_ result: CurlTransferResult, attempt: Int) -> LLMError? {
        let code = CURLcode(rawValue: result.curlCode)
        if code == CURLE_OK { return nil }
        let underlying = "curl error \(result.curlCode): \(result.curlMessage)"
        let status = result.httpStatus == 0 ? nil : result.httpStatus
        if result.wasCancelled || code == CURLE_ABORTED_BY_CALLBACK {
            return LLMError(code: .cancelled, message: "the request was cancelled", attempts: attempt, underlying: underlying)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return LLMError(code: .timedOut, message: "the request timed out", httpStatus: status,
                            attempts: attempt, underlying: underlying)
        case CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING, CURLE_WRITE_ERROR:
            // The body ended before its announced length (or could not be decoded / stored):
            // treated as a malformed response, which the client retries.
            return LLMError(code: .malformedResponse, message: "the response body was truncated or unreadable",
                            httpStatus: status, attempts: attempt, underlying: underlying)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return LLMError(code: .clientError, message: "invalid base URL", attempts: attempt, underlying: underlying)
        default:
            // Couldn't resolve / connect, connection reset, empty reply, send/recv errors, TLS…
            return LLMError(code: .connectionFailed, message: "could not get a response from the server",
                            httpStatus: status, attempts: attempt, underlying: underlying)
        }
    }

    /// Maps a non-2xx status to an error.
    static func httpError(status: Int, serverMessage: String?, attempt: Int) -> LLMError {
        let suffix = serverMessage.map { ": \($0)" } ?? ""
        if isContextLengthMessage(serverMessage), (400..<600).contains(status), status != 429 {
            return LLMError(code: .contextLengthExceeded,
                            message: "the prompt does not fit in the model's context\(suffix)",
                            httpStatus: status, attempts: attempt)
        }
        switch status {
        case 429:
            return LLMError(code: .rateLimited, message: "rate limited by the server\(suffix)", httpStatus: status, attempts: attempt)
        case 408:
            return LLMError(code: .timedOut, message: "the server timed out waiting for the request\(suffix)",
                            httpStatus: status, attempts: attempt)
        case 500..<600:
            return LLMError(code: .serverError, message: "server error \(status)\(suffix)", httpStatus: status, attempts: attempt)
        case 400..<500:
            return LLMError(code: .clientError, message: "request rejected with HTTP \(status)\(suffix)",
                            httpStatus: status, attempts: attempt)
        default:
            return LLMError(code: .malformedResponse, message: "unexpected HTTP status \(status)\(suffix)",
                            httpStatus: status, attempts: attempt)
        }
    }

    /// Phrases used by llama.cpp, OpenAI, vLLM and others when a prompt exceeds the context.
    private static let contextLengthPhrases = [
        "context length", "context_length", "context size", "context window", "maximum context",
        "exceed_context_size", "exceeds the available context", "n_ctx", "too many tokens",
        "maximum model length", "max_model_len", "prompt is too long", "input is too long",
    ]

    /// Whether a server error message says the prompt is too long for the context.
    static func isContextLengthMessage(_ message: String?) -> Bool {
        guard let message = message?.lowercased() else { return false }
        return contextLengthPhrases.contains { message.contains($0) }
    }

    /// Extracts the server's error message from `{"error":{"message":…}}`, `{"error":"…"}`,
    /// `{"message":…}` / `{"detail":…}`, or plain text (truncated to 500 characters).
    static func serverErrorMessage(from body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            var parts: [String] = []
            if let error = object["error"] as? [String: Any] {
                if let message = error["message"] as? String { parts.append(message) }
                if let type = error["type"] as? String, !parts.contains(type) { parts.append("(\(type))") }
                if let code = error["code"] as? String { parts.append("[\(code)]") }
            } else if let error = object["error"] as? String {
                parts.append(error)
            } else if let message = object["message"] as? String {
                parts.append(message)
            } else if let detail = object["detail"] as? String {
                parts.append(detail)
            }
            if !parts.isEmpty { return clip(parts.joined(separator: " ")) }
        }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : clip(text)
    }

    private static func clip(_ text: String, limit: Int = 500) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
