import Foundation

/// A run that carries visible text: the run element and its text items (`w:t`, `w:tab`,
/// text-wrapping `w:br`, `w:cr`), which are the only bytes a rewrite touches.
struct RunSlot {
    var run: Int
    var items: [Int]
    var text: String
    /// Serialized `w:rPr` (tracked formatting changes removed) plus the run's container path
    /// and field result: runs merge only when all three match, so a hyperlink or a field
    /// result never absorbs its neighbours' text.
    var key: String
}

/// Consecutive runs of identical formatting; the unit a placeholder-delimited segment maps to.
struct FormatGroup {
    private(set) var slots: [RunSlot]
    /// The slots' text, joined (kept up to date by ``append(_:)``).
    private(set) var text: String

    init(slots: [RunSlot]) {
        self.slots = slots
        text = slots.map(\.text).joined()
    }

    mutating func append(_ slot: RunSlot) {
        slots.append(slot)
        text += slot.text
    }
}

/// One `w:p` as understood by the collector.
struct ParagraphModel {
    var element: Int
    var groups: [FormatGroup] = []
    /// Byte edits that accept the paragraph's tracked changes: deletion of `w:del`/`w:moveFrom`
    /// elements, of `w:ins`/`w:moveTo` start and end tags (their runs stay), of `w:rPrChange`,
    /// `w:pPrChange` and paragraph-mark insertion marks; and, for paragraphs joined by a
    /// deleted paragraph mark, the moves of tags that make them one.
    var acceptEdits: [ByteEdit] = []
    var hasTrackedChanges = false
    /// The paragraph mark is deleted (`w:pPr/w:rPr/w:del` or `w:moveFrom`).
    var markDeleted = false
    /// The `w:p` elements joined into this paragraph by deleted marks, in order (`element` is
    /// the first); empty for a plain paragraph.
    var merged: [Int] = []
    /// Indices (in ``TextPart/shadows``) of the `mc:Fallback` copies of this paragraph.
    var shadows: [Int] = []

    /// The text offered to the model: groups separated by `⟦1⟧`, `⟦2⟧`…
    var markedText: String {
        var out = ""
        for (k, group) in groups.enumerated() {
            if k > 0 { out += "⟦\(k)⟧" }
            out += group.text
        }
        return out
    }

    /// Index of the group with the most characters (the first one on ties), if any.
    var dominantGroup: Int? {
        guard !groups.isEmpty else { return nil }
        var best = 0
        for k in groups.indices where groups[k].text.count > groups[best].text.count { best = k }
        return best
    }
}

/// One text-bearing XML part (document, header, footer, notes) with its paragraphs located.
final class TextPart {
    let name: String
    let bytes: [UInt8]
    let elements: XMLTree
    /// Paragraphs offered to callers, in start-tag (reading) order.
    let paragraphs: [ParagraphModel]
    /// Paragraphs inside `mc:Fallback` (or a second `mc:Choice`): written, never listed.
    let shadows: [ParagraphModel]
    /// Name ids of `w:rPr` and `w:rPrChange` with the part's WordprocessingML prefix (-1: none).
    let runPropertiesID: Int32
    let runPropertiesChangeID: Int32

    init(name: String, bytes: [UInt8]) throws(DOCXTextError) {
        self.name = name
        self.bytes = bytes
        do {
            elements = try XMLScanner.scan(bytes)
        } catch {
            throw DOCXTextError(.malformedXML, "\(name): \(error.reason) at byte \(error.offset)")
        }
        let root = XMLScanner.attributes(of: elements[0], in: bytes)
        let w = Self.prefix(for: Namespaces.word, in: root, fallback: "w")
        runPropertiesID = elements.nameID(w + "rPr")
        runPropertiesChangeID = elements.nameID(w + "rPrChange")
        let collector = ParagraphCollector(bytes: bytes, elements: elements, w: w,
                                           mc: Self.prefix(for: [Namespaces.markupCompatibility], in: root, fallback: "mc"))
        collector.visit(0)
        collector.mergeDeletedMarks()
        paragraphs = collector.primary
        shadows = collector.shadows
    }

    /// The prefix (with its colon) bound to one of `namespaces` on the root element; parts
    /// from other producers may bind WordprocessingML to another prefix or as the default.
    static func prefix(for namespaces: [String], in attributes: [String: String], fallback: String) -> String {
        for (name, value) in attributes where namespaces.contains(value) {
            if name == "xmlns" { return "" }
            if name.hasPrefix("xmlns:") { return String(name.dropFirst(6)) + ":" }
        }
        return fallback + ":"
    }
}

enum Namespaces {
    static let word = ["http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                       "http://purl.oclc.org/ooxml/wordprocessingml/main"]
    static let markupCompatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006"
}
