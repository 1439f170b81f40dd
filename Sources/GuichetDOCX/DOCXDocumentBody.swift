import Foundation
import GuichetDocumentModel

/// Writes `word/document.xml` from the blocks, and records which numbering instances the
/// ordered lists need (so `numbering.xml` is written afterwards with exactly those).
struct DOCXDocumentBody {
    /// Text width of an A4 page with 2 cm margins, in twentieths of a point: table grid width.
    static let textWidthTwips = 11906 - 2 * 1134

    private var x = XMLWriter(capacity: 64 * 1024)
    /// numIds of ordered lists, in document order; numId 1 is the shared bullet instance.
    private(set) var orderedListNumIDs: [Int] = []

    static func write(_ document: StructuredDocument) -> (xml: Data, orderedListNumIDs: [Int]) {
        var body = DOCXDocumentBody()
        body.writeDocument(document)
        return (body.x.data, body.orderedListNumIDs)
    }

    private mutating func writeDocument(_ document: StructuredDocument) {
        x.raw("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>")
        if let title = document.title, !title.isEmpty {
            paragraph(style: "Title", text: title)
        }
        // A list is a run of consecutive list items; each ordered list gets its own numId so
        // its numbering restarts at 1 instead of continuing the previous list.
        var currentOrderedNumID: Int?
        for block in document.blocks {
            if case .listItem = block {} else { currentOrderedNumID = nil }
            switch block {
            case let .heading(level, text, _):
                paragraph(style: "Heading\(min(max(level, 1), 6))", text: text)
            case let .paragraph(text, _):
                paragraph(style: nil, text: text)
            case let .listItem(text, ordered, level, _, _):
                var numID = DOCXStyles.bulletNumID
                if ordered {
                    if currentOrderedNumID == nil {
                        currentOrderedNumID = DOCXStyles.bulletNumID + 1 + orderedListNumIDs.count
                        orderedListNumIDs.append(currentOrderedNumID!)
                    }
                    numID = currentOrderedNumID!
                }
                listParagraph(text: text, numID: numID, level: min(max(level, 0), 8))
            case let .table(rows, header, _):
                table(rows: rows, header: header)
            case let .code(text, _):
                for line in Self.lines(of: text) { paragraph(style: "Code", text: line) }
            case .pageBreak:
                x.raw("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>")
            }
        }
        // A4 portrait, 2 cm margins. No header/footer part: page numbers are not printed.
        x.raw("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr>")
        x.raw("</w:body></w:document>")
    }

    private mutating func paragraph(style: String?, text: String, bold: Bool = false) {
        x.raw("<w:p>")
        if let style {
            x.raw("<w:pPr>")
            x.empty("w:pStyle", ["w:val": style])
            x.raw("</w:pPr>")
        }
        runs(text, bold: bold)
        x.raw("</w:p>")
    }

    private mutating func listParagraph(text: String, numID: Int, level: Int) {
        x.raw("<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr>")
        x.empty("w:ilvl", ["w:val": String(level)])
        x.empty("w:numId", ["w:val": String(numID)])
        x.raw("</w:numPr></w:pPr>")
        runs(text, bold: false)
        x.raw("</w:p>")
    }

    private mutating func table(rows: [[String]], header: Bool) {
        let columns = rows.map(\.count).max() ?? 0
        // A w:tbl needs at least one row and one cell per row; an empty table is dropped.
        guard columns > 0 else { return }
        let width = String(Self.textWidthTwips / columns)
        x.raw("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>")
        x.raw("<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>")
        for _ in 0..<columns { x.empty("w:gridCol", ["w:w": width]) }
        x.raw("</w:tblGrid>")
        for (rowIndex, row) in rows.enumerated() {
            let isHeader = header && rowIndex == 0
            x.raw("<w:tr>")
            // Repeated at the top of each page when the table spans pages.
            if isHeader { x.raw("<w:trPr><w:tblHeader/></w:trPr>") }
            for column in 0..<columns {
                x.raw("<w:tc><w:tcPr>")
                x.empty("w:tcW", ["w:w": width, "w:type": "dxa"])
                x.raw("</w:tcPr>")
                // Ragged rows are padded: every cell needs a paragraph or Word reports corruption.
                paragraph(style: nil, text: column < row.count ? row[column] : "", bold: isHeader)
                x.raw("</w:tc>")
            }
            x.raw("</w:tr>")
        }
        x.raw("</w:tbl>")
        // Word merges two adjacent tables and needs a paragraph between a table and the end.
        x.raw("<w:p/>")
    }

    /// One run; tabs become `w:tab`, line breaks `w:br`, text goes into `w:t` with spaces kept.
    private mutating func runs(_ text: String, bold: Bool) {
        let clean = XMLWriter.sanitized(text)
        if clean.isEmpty { return }
        x.raw("<w:r>")
        if bold { x.raw("<w:rPr><w:b/><w:bCs/></w:rPr>") }
        var pending = ""
        var previousWasCR = false
        func flush(_ x: inout XMLWriter, _ pending: inout String) {
            guard !pending.isEmpty else { return }
            x.raw("<w:t xml:space=\"preserve\">")
            x.text(pending)
            x.raw("</w:t>")
            pending.removeAll(keepingCapacity: true)
        }
        for scalar in clean.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\t":
                flush(&x, &pending)
                x.raw("<w:tab/>")
            case "\n" where previousWasCR:
                continue  // second half of CRLF
            case "\n", "\r", "\u{2028}":
                flush(&x, &pending)
                x.raw("<w:br/>")
            default:
                pending.unicodeScalars.append(scalar)
            }
        }
        flush(&x, &pending)
        x.raw("</w:r>")
    }

    /// Lines of a code block, accepting LF, CRLF and CR endings.
    static func lines(of text: String) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // "code\n" is one line, not one line and an empty one.
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        return lines
    }
}
