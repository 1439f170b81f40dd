/// The text formats this module can segment and rebuild.
public enum DocumentFormat: String, Sendable, Codable {
    case markdown
    case plainText

    /// Maps a file extension (without the dot, any case) to a format.
    /// Returns `nil` for anything else so the caller can refuse the file early.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "md", "markdown", "mdown": self = .markdown
        case "txt", "text": self = .plainText
        default: return nil
        }
    }
}
