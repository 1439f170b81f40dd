/// A failure of a chat completion, after the client's own retries.
///
/// Modelled on AsyncHTTPClient's `HTTPClientError`: a small extensible `Code` plus context.
/// Messages never contain the request body, message contents or the API key.
public struct LLMError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is. Compare with `==` (e.g. `error.code == .timedOut`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed, timedOut, rateLimited, serverError, clientError
            case contextLengthExceeded, malformedResponse, cancelled
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The server could not be reached, or dropped the connection without an answer.
        public static let connectionFailed = Code(.connectionFailed)
        /// The request (or the connection attempt) took longer than its timeout.
        public static let timedOut = Code(.timedOut)
        /// HTTP 429.
        public static let rateLimited = Code(.rateLimited)
        /// HTTP 5xx.
        public static let serverError = Code(.serverError)
        /// HTTP 4xx other than 429 and context-length errors: the request itself is wrong.
        public static let clientError = Code(.clientError)
        /// The prompt does not fit in the model's context window (HTTP 400 saying so).
        public static let contextLengthExceeded = Code(.contextLengthExceeded)
        /// The server answered 2xx with a body that is not a usable chat completion
        /// (not JSON, wrong shape, or truncated).
        public static let malformedResponse = Code(.malformedResponse)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)

        public var description: String { base.rawValue }
    }

    /// The failure kind.
    public var code: Code
    /// A human-readable explanation (may include the server's error message).
    public var message: String
    /// The HTTP status of the last attempt, if a response was received.
    public var httpStatus: Int?
    /// How many HTTP attempts were made.
    public var attempts: Int
    /// A lower-level cause (e.g. the libcurl error), if any.
    public var underlying: String?

    /// Creates an error.
    public init(code: Code, message: String, httpStatus: Int? = nil, attempts: Int = 1, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.underlying = underlying
    }

    /// True when the failure is about the server or the network rather than the request:
    /// connection failures, timeouts, 429 and 5xx that still failed after all attempts.
    /// The caller should re-queue the job and try again later.
    ///
    /// False for client errors, context-length errors, malformed responses and cancellation:
    /// retrying the same request later would fail the same way.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .timedOut, .rateLimited, .serverError: return true
        default: return false
        }
    }

    /// Whether the client retries this failure itself (before giving up).
    /// Malformed / truncated bodies are retried even though they are not `isTransient` at the end.
    var isRetryable: Bool {
        isTransient || code == .malformedResponse
    }

    public var description: String {
        var text = "LLMError.\(code): \(message)"
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        details.append("attempts: \(attempts)")
        if let underlying { details.append("underlying: \(underlying)") }
        text += " (" + details.joined(separator: ", ") + ")"
        return text
    }

    /// A copy with the attempt count set.
    func with(attempts: Int) -> LLMError {
        var copy = self
        copy.attempts = attempts
        return copy
    }

    static func cancelled(attempts: Int) -> LLMError {
        LLMError(code: .cancelled, message: "the request was cancelled", attempts: attempts)
    }
}
