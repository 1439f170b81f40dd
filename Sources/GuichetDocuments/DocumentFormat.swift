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

    /// Format of a dropped file from its name.
    /// - Throws: `.unsupportedFormat` for any other extension (e.g. `.docx`, `.pdf`).
    public init(fileName: String) throws(DocumentError) {
        let ext = fileName.split(separator: ".", omittingEmptySubsequences: false).count > 1
            ? String(fileName.split(separator: ".", omittingEmptySubsequences: false).last!) : ""
        guard let format = DocumentFormat(fileExtension: ext) else {
            throw DocumentError(.unsupportedFormat, "unsupported file extension '\(ext)' (\(fileName))")
        }
        self = format
    }
}
