/// Settings of a `CurlChatClient`.
public struct LLMClientConfiguration: Sendable, Equatable {
    /// API root, e.g. `"http://127.0.0.1:8089/v1"`; the client POSTs to `baseURL + "/chat/completions"`.
    public var baseURL: String
    /// Sent as `Authorization: Bearer <key>` when set. Never logged.
    public var apiKey: String?
    /// Whole-request timeout in seconds (connect + send + generation + receive).
    public var requestTimeout: Double
    /// TCP connect timeout in seconds.
    public var connectTimeout: Double
    /// Total number of HTTP attempts per `complete` call (1 = no retry).
    public var maxAttempts: Int
    /// Base of the exponential backoff, in seconds.
    public var initialBackoff: Double
    /// Cap on any single wait between attempts, including a server's `Retry-After`, in seconds.
    public var maxBackoff: Double
    /// Maximum number of requests in flight at once, across all callers of this client.
    public var maxConcurrentRequests: Int

    /// Creates a configuration; values are clamped to sane minimums.
    public init(
        baseURL: String,
        apiKey: String? = nil,
        requestTimeout: Double = 120,
        connectTimeout: Double = 5,
        maxAttempts: Int = 5,
        initialBackoff: Double = 0.5,
        maxBackoff: Double = 30,
        maxConcurrentRequests: Int = 4
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxConcurrentRequests = maxConcurrentRequests
    }

    /// `baseURL` without trailing slashes, followed by `/chat/completions`.
    public var chatCompletionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/chat/completions"
    }

    /// `maxAttempts`, at least 1.
    var effectiveMaxAttempts: Int { max(1, maxAttempts) }

    /// `maxConcurrentRequests`, at least 1.
    var effectiveMaxConcurrentRequests: Int { max(1, maxConcurrentRequests) }

    /// A timeout in whole milliseconds for libcurl (at least 1 ms: 0 would mean "no timeout").
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return max(1, Int((seconds * 1000).rounded()))
    }
}
