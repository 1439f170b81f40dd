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
    /// When set, sends `"response_format": {"type": "json_schema", …}` instead: servers that
    /// know it (llama.cpp, vLLM, Ollama, OpenAI) can only produce JSON of this shape. A server
    /// that does not know it answers 4xx; the caller then asks again with ``jsonMode``.
    public var jsonSchema: JSONSchema?

    /// A named JSON schema for `response_format`.
    public struct JSONSchema: Sendable, Equatable {
        public var name: String
        public var schema: JSONValue

        public init(name: String, schema: JSONValue) {
            self.name = name
            self.schema = schema
        }
    }

    /// Creates a chat request. `temperature` defaults to 0.
    public init(
        model: String,
        messages: [ChatMessage],
        temperature: Double? = 0,
        maxTokens: Int? = nil,
        jsonMode: Bool = false,
        jsonSchema: JSONSchema? = nil
    ) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonMode = jsonMode
        self.jsonSchema = jsonSchema
    }

    /// The JSON body sent on the wire.
    func encodedBody() throws -> [UInt8] {
        let wire = WireRequest(
            model: model,
            messages: messages,
            temperature: temperature,
            maxTokens: maxTokens,
            responseFormat: jsonSchema.map { WireRequest.ResponseFormat(type: "json_schema", jsonSchema: .init(name: $0.name, strict: true, schema: $0.schema)) }
                ?? (jsonMode ? WireRequest.ResponseFormat(type: "json_object") : nil),
            stream: false
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(wire))
    }

    /// The OpenAI wire format of a chat completion request.
    private struct WireRequest: Encodable {
        struct ResponseFormat: Encodable {
            struct Schema: Encodable {
                var name: String
                var strict: Bool
                var schema: JSONValue
            }

            var type: String
            var jsonSchema: Schema?

            enum CodingKeys: String, CodingKey {
                case type
                case jsonSchema = "json_schema"
            }
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
