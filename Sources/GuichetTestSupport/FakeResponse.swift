import Foundation
import Synchronization

/// What `FakeOpenAIServer` does with one request. Every case is written byte by byte, so tests
/// can reproduce faults that real servers and proxies produce.
public enum FakeResponse: Sendable {
    /// A well-formed OpenAI chat completion (`finish_reason: "stop"`) after `delay` seconds.
    case chat(content: String, promptTokens: Int = 10, completionTokens: Int = 10, delay: Double = 0)
    /// An arbitrary status with a body (e.g. `.status(429, body: "slow down", headers: ["Retry-After": "1"])`).
    case status(Int, body: String, headers: [String: String] = [:], delay: Double = 0)
    /// Read the request, then answer nothing for `seconds` (then close the connection).
    /// Ends early when the client disconnects or the server stops.
    case hang(seconds: Double)
    /// 200 with `Content-Type: application/json` but a body that is not JSON.
    case malformedJSON
    /// 200 with valid JSON that is not a chat completion (no `choices`).
    case wrongShape
    /// 200 whose `Content-Length` announces more bytes than are sent, then the connection closes.
    case truncated
    /// Close the connection without writing anything.
    case closeConnection

    /// Behaviour helper: answers with the last user message unchanged
    /// (prompt tokens ≈ characters of all messages / 4, completion tokens ≈ characters / 4).
    public static func echo(_ request: FakeRequest) -> FakeResponse {
        let content = request.lastUserMessage ?? ""
        let promptCharacters = request.messages.reduce(0) { $0 + $1.content.count }
        return .chat(
            content: content,
            promptTokens: max(1, promptCharacters / 4),
            completionTokens: max(1, content.count / 4)
        )
    }

    /// Behaviour helper: returns `responses` in order for successive calls (counted per behaviour,
    /// not per server), then delegates to `then` forever.
    ///
    ///     server.setBehavior(FakeResponse.sequence([.status(500, body: "boom"), .status(500, body: "boom")]))
    public static func sequence(
        _ responses: [FakeResponse],
        then: @escaping @Sendable (FakeRequest) -> FakeResponse = FakeResponse.echo
    ) -> @Sendable (FakeRequest) -> FakeResponse {
        let counter = Mutex(0)
        return { request in
            let call = counter.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
            return call < responses.count ? responses[call] : then(request)
        }
    }

    /// A complete, valid chat completion JSON body.
    static func chatBody(content: String, model: String, promptTokens: Int, completionTokens: Int, id: Int) -> [UInt8] {
        let object: [String: Any] = [
            "id": "chatcmpl-fake-\(id)",
            "object": "chat.completion",
            "created": Int(Date().timeIntervalSince1970),
            "model": model,
            "choices": [[
                "index": 0,
                "message": ["role": "assistant", "content": content],
                "finish_reason": "stop",
            ] as [String: Any]],
            "usage": [
                "prompt_tokens": promptTokens,
                "completion_tokens": completionTokens,
                "total_tokens": promptTokens + completionTokens,
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// Reason phrases for the status line.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 413: return "Payload Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
