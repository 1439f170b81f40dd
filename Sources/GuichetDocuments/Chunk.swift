/// A batch of segments sent to the model in one request.
public struct Chunk: Sendable, Codable, Equatable {
    public let index: Int
    /// Segment IDs (or `SegmentPartID`s for split segments), in document order.
    public let segmentIDs: [Int]
    /// Markdown fragment sent to the model: one block per segment with its
    /// marker (`## `, `- `, `> `, pipe rows), blank-line separated,
    /// placeholders included, never code blocks or front matter.
    public let text: String
    public let estimatedTokens: Int

    public init(index: Int, segmentIDs: [Int], text: String, estimatedTokens: Int) {
        self.index = index
        self.segmentIDs = segmentIDs
        self.text = text
        self.estimatedTokens = estimatedTokens
    }
}

/// Writes segments the way the model sees them. The output must re-parse
/// (with `MarkdownBlockParser`) into exactly the same kinds and texts: that
/// is what lets `parseResponse` map an answer back by position.
enum ChunkWriter {
    /// One non-table segment (or part) with its block marker.
    static func block(_ style: EmitStyle, _ text: String, format: DocumentFormat) -> String {
        if format == .plainText { return text }
        switch style {
        case .atxHeading(let level):
            return String(repeating: "#", count: level) + " " + text
        case .setextHeading(let level):
            return text + "\n" + (level == 1 ? "===" : "---")
        case .paragraph, .tableCell:
            return text
        case .quote:
            return "> " + text.replacingOccurrences(of: "\n", with: "\n> ")
        case .listItem(let marker):
            let indent = "\n" + String(repeating: " ", count: marker.count + 1)
            return marker + " " + text.replacingOccurrences(of: "\n", with: indent)
        }
    }

    /// Table cells as pipe rows; the first written row doubles as header so
    /// that a table split between rows still reads (and parses) as a table.
    static func table(_ cells: [(row: Int, column: Int, text: String)]) -> String {
        var rows: [(row: Int, cells: [Int: String])] = []
        for cell in cells {
            if rows.last?.row != cell.row { rows.append((cell.row, [:])) }
            rows[rows.count - 1].cells[cell.column] = cell.text
        }
        let width = (cells.map(\.column).max() ?? 0) + 1
        func line(_ r: [Int: String]) -> String {
            "| " + (0..<width).map { r[$0] ?? "" }.joined(separator: " | ") + " |"
        }
        var out = [line(rows[0].cells), "|" + String(repeating: "---|", count: width)]
        out += rows.dropFirst().map { line($0.cells) }
        return out.joined(separator: "\n")
    }

    /// Builds the fragment for an ordered list of (id, text), grouping
    /// consecutive cells of the same table.
    static func fragment(_ items: [(id: Int, text: String)], in document: TextDocument) -> String {
        var blocks: [String] = []
        var pendingTable: (table: Int, cells: [(row: Int, column: Int, text: String)])? = nil
        func flushTable() {
            if let t = pendingTable { blocks.append(table(t.cells)); pendingTable = nil }
        }
        for item in items {
            let style = document.style(of: item.id)
            if case .tableCell(let t, let row, let column) = style {
                if pendingTable?.table != t { flushTable(); pendingTable = (t, []) }
                pendingTable!.cells.append((row, column, item.text))
            } else {
                flushTable()
                blocks.append(block(style, item.text, format: document.format))
            }
        }
        flushTable()
        return blocks.joined(separator: "\n\n")
    }

    /// Parses a fragment (a chunk or a model answer) into (kind, text) pairs,
    /// without placeholder protection: texts come back exactly as written.
    static func parseFragment(_ text: String, format: DocumentFormat) -> [(kind: SegmentKind, text: String)] {
        let parsed = format == .markdown
            ? MarkdownBlockParser.parse(text, detectFrontMatter: false) : PlainTextParser.parse(text)
        return parsed.slots.map { ($0.style.kind, $0.joinedText) }
    }
}
