extension StructuredDocument.Block {
    /// The page the block starts on, when known.
    public var blockPage: Int? {
        switch self {
        case .heading(_, _, let p), .paragraph(_, let p), .table(_, _, let p), .code(_, let p): return p
        case .listItem(_, _, _, _, let p): return p
        case .pageBreak: return nil
        }
    }

    /// The block's text as plain text (table cells joined by tabs and lines).
    public var plainText: String {
        switch self {
        case .heading(_, let t, _), .paragraph(let t, _), .code(let t, _): return t
        case .listItem(let t, _, _, _, _): return t
        case .table(let rows, _, _): return rows.map { $0.joined(separator: "\t") }.joined(separator: "\n")
        case .pageBreak: return ""
        }
    }
}
