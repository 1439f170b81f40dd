import Foundation

/// A successful chat completion.
public struct ChatCompletion: Sendable, Equatable {
    /// `choices[0].message.content`.
    public var content: String
    /// The model name reported by the server (falls back to the requested model).
    public var model: String
    /// `usage.prompt_tokens` (0 when the server does not report usage).
    public var promptTokens: Int
    /// `usage.completion_tokens` (0 when the server does not report usage).
    public var completionTokens: Int
    /// `choices[0].finish_reason` (`"stop"`, `"length"`, …), if reported.
    public var finishReason: String?
    /// How many HTTP attempts it took (1 when the first attempt succeeded).
    public var attempts: Int

    /// Creates a completion (useful for fake `ChatClient`s in other modules' tests).
    public init(
        content: String,
        model: String,
        promptTokens: Int = 0,
        completionTokens: Int = 0,
        finishReason: String? = "stop",
        attempts: Int = 1
    ) {
        self.content = content
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.attempts = attempts
    }

    /// True when generation stopped because `max_tokens` (or the context) ran out.
    public var wasTruncated: Bool { finishReason == "length" }

    /// Parses and validates a 2xx response body.
    ///
    /// - Returns: the completion, or a human-readable reason why the body is unusable
    ///   (never quoting the body, which may contain document text).
    static func parse(body: [UInt8], requestedModel: String, attempts: Int) -> Result<ChatCompletion, ShapeError> {
        let wire: WireResponse
        do {
            wire = try JSONDecoder().decode(WireResponse.self, from: Data(body))
        } catch let error as DecodingError {
            return .failure(ShapeError(reason: Self.describe(error)))
        } catch {
            return .failure(ShapeError(reason: "response is not valid JSON"))
        }
        guard let choices = wire.choices else {
            return .failure(ShapeError(reason: "response has no \"choices\" array"))
        }
        guard let first = choices.first else {
            return .failure(ShapeError(reason: "response has an empty \"choices\" array"))
        }
        guard let message = first.message else {
            return .failure(ShapeError(reason: "choices[0] has no \"message\""))
        }
        guard let content = message.content else {
            return .failure(ShapeError(reason: "choices[0].message.content is missing or null"))
        }
        return .success(ChatCompletion(
            content: content,
            model: wire.model ?? requestedModel,
            promptTokens: wire.usage?.promptTokens ?? 0,
            completionTokens: wire.usage?.completionTokens ?? 0,
            finishReason: first.finishReason,
            attempts: attempts
        ))
    }

    /// Why a response body could not be used.
    struct ShapeError: Error, Equatable {
        var reason: String
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "response is not valid JSON"
        case .dataCorrupted(let context):
            return "invalid value at \(path(context.codingPath))"
        case .typeMismatch(_, let context):
            return "unexpected type at \(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing key \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context):
            return "null value at \(path(context.codingPath))"
        @unknown default:
            return "response does not match the chat completion shape"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// The subset of the OpenAI response we rely on. Everything is optional so that the
    /// validation above can name exactly what is missing.
    private struct WireResponse: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
            }

            var message: Message?
            var finishReason: String?

            enum CodingKeys: String, CodingKey {
                case message
                case finishReason = "finish_reason"
            }
        }

        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }

        var model: String?
        var choices: [Choice]?
        var usage: Usage?
    }
}
