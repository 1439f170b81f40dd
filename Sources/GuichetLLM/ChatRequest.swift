import Foundation

/// A request to `POST {baseURL}/chat/completions`.
public struct ChatRequest: Sendable, Equatable {
    /// The model name sent to the server (`"model"`).
    public var model: String
    /// The conversation, in order.
    public var messages: [ChatMessage]
    /// Sampling temperature. Defaults to 0 (most deterministic); `nil` omits the field so the
    /// server's own default applies.
    public var temperature: Double?
    /// Upper bound on generated tokens (`"max_tokens"`); `nil` omits the field.
    public var maxTokens: Int?
    /// When true, sends `"response_format": {"type": "json_object"}`.
    public var jsonMode: Bool

    /// Creates a chat request. `temperature` defaults to 0.
    public init(
        model: String,
        messages: [ChatMessage],
        temperature: Double? = 0,
        maxTokens: Int? = nil,
        jsonMode: Bool = false
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonMode = jsonMode
    }

    /// The JSON body sent on the wire.
    func encodedBody() throws -> [UInt8] {
        let wire = WireRequest(
            model: model,
            messages: messages,
            temperature: temperature,
            maxTokens: maxTokens,
            responseFormat: jsonMode ? WireRequest.ResponseFormat(type: "json_object") : nil,
            stream: false
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(wire))
    }

    /// The OpenAI wire format of a chat completion request.
    private struct WireRequest: Encodable {
        struct ResponseFormat: Encodable {
            var type: String
        }

        var model: String
        var messages: [ChatMessage]
        var temperature: Double?
        var maxTokens: Int?
        var responseFormat: ResponseFormat?
        var stream: Bool

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream
            case maxTokens = "max_tokens"
            case responseFormat = "response_format"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
            try container.encode(messages, forKey: .messages)
            try container.encodeIfPresent(temperature, forKey: .temperature)
            try container.encodeIfPresent(maxTokens, forKey: .maxTokens)
            try container.encodeIfPresent(responseFormat, forKey: .responseFormat)
            try container.encode(stream, forKey: .stream)
        }
    }
}
