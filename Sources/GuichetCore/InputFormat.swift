/// The kinds of files a drop folder accepts. Raw values are stored in jobs.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
    case markdown
    case plainText
    case pdf
    case docx

    /// From a file extension, ignoring case; nil when unsupported.
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "md", "markdown", "mdown": self = .markdown
        case "txt", "text": self = .plainText
        case "pdf": self = .pdf
        case "docx": self = .docx
        default: return nil
        }
    }

    /// For messages to people: `.md, .markdown, .txt, .pdf`.
    public static let supportedExtensions = ".docx, .pdf, .md, .markdown, .txt"
}
