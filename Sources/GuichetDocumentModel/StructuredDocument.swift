/// A document as structure, independent of its file format: what the PDF reader produces and
/// what the DOCX writer consumes. Pages are 1-based; a block keeps the page it starts on, for
/// citations.
public struct StructuredDocument: Sendable, Equatable, Codable {
    public var title: String?
    /// Document language if known (BCP 47 / ISO 639-1, e.g. "fr").
    public var language: String?
    public var blocks: [Block]

    public init(title: String? = nil, language: String? = nil, blocks: [Block]) {
        self.title = title
        self.language = language
        self.blocks = blocks
    }

    public enum Block: Sendable, Equatable, Codable {
        /// level 1...6
        case heading(level: Int, text: String, page: Int?)
        case paragraph(text: String, page: Int?)
        /// ordered: numbered list; level: 0-based nesting depth; marker: the original marker if known ("a)", "•", "1.").
        case listItem(text: String, ordered: Bool, level: Int, marker: String?, page: Int?)
        /// rows of cells (plain text); the first row is a header row when `header` is true.
        case table(rows: [[String]], header: Bool, page: Int?)
        /// preformatted text kept as is (code, JSON examples).
        case code(text: String, page: Int?)
        case pageBreak
    }
}
