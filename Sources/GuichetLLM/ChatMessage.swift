/// One message of an OpenAI-style chat conversation.
///
/// The content is document text: it must never be logged.
public struct ChatMessage: Sendable, Codable, Equatable, Hashable {
    /// The speaker: `"system"`, `"user"` or `"assistant"`.
    public var role: String
    /// The message text.
    public var content: String

    /// Creates a message with an arbitrary role.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// A `system` message (instructions for the model).
    public static func system(_ content: String) -> ChatMessage {
        ChatMessage(role: "system", content: content)
    }

    /// A `user` message (the text to work on).
    public static func user(_ content: String) -> ChatMessage {
        ChatMessage(role: "user", content: content)
    }

    /// An `assistant` message (a previous model answer, for few-shot prompts).
    public static func assistant(_ content: String) -> ChatMessage {
        ChatMessage(role: "assistant", content: content)
    }
}
