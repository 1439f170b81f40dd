import Foundation

/// A byte-range replacement in a part. Empty `range` = insertion.
struct ByteEdit {
    var range: Range<Int>
    var bytes: [UInt8]
}

/// Turns new paragraph text into byte edits on the original XML: only text items of the
/// paragraph's own runs change; run properties, field codes, bookmarks and drawings are never
/// inside an edited range.
enum ParagraphRewriter {
    /// The segments of `text` between `⟦n⟧` markers, and the marker numbers in order.
    static func split(_ text: String) -> (segments: [String], markers: [Int]) {
        var segments: [String] = []
        var markers: [Int] = []
        var current = ""
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first {
            if first == "⟦", let close = scalars.firstIndex(of: "⟧") {
                let inner = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                if let number = Int(inner), !inner.isEmpty, inner.allSatisfy(\.isASCII) {
                    segments.append(current)
                    current = ""
                    markers.append(number)
                    scalars = scalars[scalars.index(after: close)...]
                    continue
                }
            }
            current.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        segments.append(current)
        return (segments, markers)
    }

    /// Edits writing `newText` into `paragraph`; `flattened` when the placeholders did not
    /// match and everything went into the dominant formatting group.
    static func edits(for paragraph: ParagraphModel, newText: String, in part: TextPart) -> (edits: [ByteEdit], flattened: Bool) {
        var edits: [ByteEdit] = []
        let (segments, markers) = split(newText)
        let groupCount = paragraph.groups.count
        var texts: [String]
        var flattened = false
        if groupCount > 0, markers == Array(1..<groupCount) {
            texts = segments
        } else {
            let whole = segments.joined()
            texts = Array(repeating: "", count: groupCount)
            if let dominant = paragraph.dominantGroup {
                texts[dominant] = whole
                flattened = !markers.isEmpty || groupCount > 1
            } else if !whole.isEmpty {
                edits.append(newRun(in: paragraph, text: whole, part: part))
            }
        }
        for (group, text) in zip(paragraph.groups, texts) {
            for (s, slot) in group.slots.enumerated() {
                for (k, item) in slot.items.enumerated() {
                    let element = part.elements[item]
                    let replacement = (s == 0 && k == 0) ? render(text, prefix: prefix(of: part.elements[slot.run].name)) : []
                    edits.append(ByteEdit(range: element.start..<element.end, bytes: replacement))
                }
            }
        }
        if paragraph.hasTrackedChanges {
            edits += paragraph.acceptRemovals.map { ByteEdit(range: $0, bytes: []) }
        }
        return (edits, flattened)
    }

    /// A paragraph without any text run (empty, or only a drawing) that receives text gets
    /// one plain run at its end, so no text is ever lost.
    private static func newRun(in paragraph: ParagraphModel, text: String, part: TextPart) -> ByteEdit {
        let p = part.elements[paragraph.element]
        let w = prefix(of: p.name)
        let run = Array("<\(w)r>".utf8) + render(text, prefix: w) + Array("</\(w)r>".utf8)
        if p.isSelfClosing {
            let open = Array("<\(p.name)".utf8) + Array(part.bytes[p.attributeRange]) + Array(">".utf8)
            return ByteEdit(range: p.start..<p.end, bytes: open + run + Array("</\(p.name)>".utf8))
        }
        return ByteEdit(range: p.contentEnd..<p.contentEnd, bytes: run)
    }

    private static func prefix(of qualifiedName: String) -> String {
        guard let colon = qualifiedName.firstIndex(of: ":") else { return "" }
        return String(qualifiedName[...colon])
    }

    /// `w:t` (or `textTag`, e.g. `delText` inside a deletion; spaces preserved) for text,
    /// `w:tab` for "\t", `w:br` for "\n" (also "\r\n", "\r").
    static func render(_ text: String, prefix w: String, textTag: String = "t") -> [UInt8] {
        var out = ""
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            let escaped = XMLText.escape(pending)
            if !escaped.isEmpty { out += "<\(w)\(textTag) xml:space=\"preserve\">\(escaped)</\(w)\(textTag)>" }
            pending = ""
        }
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": flush(); out += "<\(w)tab/>"; previousWasCR = false
            case "\r": flush(); out += "<\(w)br/>"; previousWasCR = true
            case "\n":
                if !previousWasCR { flush(); out += "<\(w)br/>" }
                previousWasCR = false
            default: pending.unicodeScalars.append(scalar); previousWasCR = false
            }
        }
        flush()
        return Array(out.utf8)
    }

    /// Applies non-overlapping edits; an edit inside a range already replaced (a text box
    /// inside a deleted run) is dropped, since its bytes no longer exist.
    static func apply(_ edits: [ByteEdit], to bytes: [UInt8]) -> [UInt8] {
        let sorted = edits.sorted {
            $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.range.count < $1.range.count
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.bytes.count })
        var cursor = 0
        for edit in sorted where edit.range.lowerBound >= cursor {
            out += bytes[cursor..<edit.range.lowerBound]
            out += edit.bytes
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }
}
