import Foundation

/// One HTTP request received by `FakeOpenAIServer`, as recorded on arrival.
public struct FakeRequest: Sendable {
    /// 0-based arrival order across all connections (including `/health` probes).
    public var index: Int
    /// 0-based index of the TCP connection it arrived on (equal values = keep-alive reuse).
    public var connectionIndex: Int
    /// `"GET"`, `"POST"`, …
    public var method: String
    /// Request target, e.g. `"/v1/chat/completions"`.
    public var path: String
    /// Headers with lowercased names (the last value wins for repeated names).
    public var headers: [String: String]
    /// The body decoded as UTF-8.
    public var body: String
    /// `messages` of a chat completion body, in order (empty if absent or not JSON).
    public var messages: [(role: String, content: String)]
    /// `model` of a chat completion body.
    public var model: String?
    /// `temperature` of a chat completion body.
    public var temperature: Double?
    /// `max_tokens` of a chat completion body.
    public var maxTokens: Int?
    /// `response_format.type` of a chat completion body (e.g. `"json_object"`).
    public var responseFormatType: String?
    /// `response_format.json_schema.schema` of a chat completion body, as JSON text (keys sorted).
    public var responseSchema: String?
    /// Wall-clock arrival time (when the whole request had been read).
    public var arrivalTime: Date
    /// Monotonic arrival time in nanoseconds (`DispatchTime.now().uptimeNanoseconds`), for gaps.
    public var arrivalUptimeNanoseconds: UInt64

    /// Case-insensitive header lookup.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The content of the last `user` message, if any.
    public var lastUserMessage: String? {
        messages.last(where: { $0.role == "user" })?.content
    }

    /// Whether this is a chat completion call (`POST …/chat/completions`).
    public var isChatCompletion: Bool {
        method == "POST" && path.hasSuffix("/chat/completions")
    }

    init(
        index: Int, connectionIndex: Int, method: String, path: String,
        headers: [String: String], bodyBytes: [UInt8], arrivalUptimeNanoseconds: UInt64
    ) {
        self.index = index
        self.connectionIndex = connectionIndex
        self.method = method
        self.path = path
        self.headers = headers
        self.body = String(decoding: bodyBytes, as: UTF8.self)
        self.arrivalTime = Date()
        self.arrivalUptimeNanoseconds = arrivalUptimeNanoseconds
        self.messages = []
        if !bodyBytes.isEmpty,
           let object = try? JSONSerialization.jsonObject(with: Data(bodyBytes)) as? [String: Any]
        {
            model = object["model"] as? String
            temperature = (object["temperature"] as? NSNumber)?.doubleValue
            maxTokens = (object["max_tokens"] as? NSNumber)?.intValue
            responseFormatType = (object["response_format"] as? [String: Any])?["type"] as? String
            if let schema = ((object["response_format"] as? [String: Any])?["json_schema"] as? [String: Any])?["schema"],
               let data = try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys, .withoutEscapingSlashes]) {
                responseSchema = String(decoding: data, as: UTF8.self)
            }
            if let list = object["messages"] as? [[String: Any]] {
                messages = list.map { (role: $0["role"] as? String ?? "", content: $0["content"] as? String ?? "") }
            }
        }
    }
}
