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
    /// Works on the UTF-8 bytes: `⟦` is E2 9F A6, `⟧` is E2 9F A7.
    static func split(_ text: String) -> (segments: [String], markers: [Int]) {
        var text = text
        return text.withUTF8 { bytes -> (segments: [String], markers: [Int]) in
            var segments: [String] = []
            var markers: [Int] = []
            var segmentStart = 0
            var i = 0
            let n = bytes.count
            while i + 2 < n {
                guard bytes[i] == 0xE2, bytes[i + 1] == 0x9F, bytes[i + 2] == 0xA6 else { i += 1; continue }
                // An optional sign and ASCII digits (what Int(_:) accepts), then ⟧.
                var k = i + 3
                var sign = 1
                if k < n, bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") {
                    sign = bytes[k] == UInt8(ascii: "-") ? -1 : 1
                    k += 1
                }
                let digitsStart = k
                var number = 0
                while k < n, k - digitsStart < 18, bytes[k] >= 0x30, bytes[k] <= 0x39 {
                    number = number * 10 + Int(bytes[k] - 0x30)
                    k += 1
                }
                if k > digitsStart, k + 2 < n, bytes[k] == 0xE2, bytes[k + 1] == 0x9F, bytes[k + 2] == 0xA7 {
                    segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<i]), as: UTF8.self))
                    markers.append(sign * number)
                    i = k + 3
                    segmentStart = i
                } else {
                    i += 3
                }
            }
            segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<n]), as: UTF8.self))
            return (segments, markers)
        }
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
                    let replacement = (s == 0 && k == 0) ? render(text, prefix: prefix(of: part.elements.name(slot.run))) : []
                    edits.append(ByteEdit(range: element.start..<element.end, bytes: replacement))
                }
            }
        }
        if paragraph.hasTrackedChanges {
            edits += paragraph.acceptEdits
        }
        return (edits, flattened)
    }

    /// A paragraph without any text run (empty, or only a drawing) that receives text gets
    /// one plain run at its end, so no text is ever lost.
    private static func newRun(in paragraph: ParagraphModel, text: String, part: TextPart) -> ByteEdit {
        let p = part.elements[paragraph.element]
        let name = part.elements.name(p)
        let w = prefix(of: name)
        let run = Array("<\(w)r>".utf8) + render(text, prefix: w) + Array("</\(w)r>".utf8)
        if p.isSelfClosing {
            let open = Array("<\(name)".utf8) + Array(part.bytes[p.attributeRange]) + Array(">".utf8)
            return ByteEdit(range: p.start..<p.end, bytes: open + run + Array("</\(name)>".utf8))
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
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 40)
        let open = Array("<\(w)\(textTag) xml:space=\"preserve\">".utf8), close = Array("</\(w)\(textTag)>".utf8)
        var pending: [UInt8] = []
        pending.reserveCapacity(text.utf8.count + 8)
        func flush() {
            guard !pending.isEmpty else { return }
            out += open
            out += pending
            out += close
            pending.removeAll(keepingCapacity: true)
        }
        var previousWasCR = false
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            switch c {
            case 0x09: flush(); out += Array("<\(w)tab/>".utf8); previousWasCR = false
            case 0x0D: flush(); out += Array("<\(w)br/>".utf8); previousWasCR = true
            case 0x0A:
                if !previousWasCR { flush(); out += Array("<\(w)br/>".utf8) }
                previousWasCR = false
            default:
                previousWasCR = false
                // The escaping of XMLText.escape, on bytes: the five specials, no control
                // characters, no U+FFFE/U+FFFF (the only other illegal scalars a String can hold).
                switch c {
                case UInt8(ascii: "&"): pending += Array("&amp;".utf8)
                case UInt8(ascii: "<"): pending += Array("&lt;".utf8)
                case UInt8(ascii: ">"): pending += Array("&gt;".utf8)
                case UInt8(ascii: "\""): pending += Array("&quot;".utf8)
                case UInt8(ascii: "'"): pending += Array("&apos;".utf8)
                case 0..<0x20: break
                case 0xEF where i + 2 < utf8.count && utf8[i + 1] == 0xBF && (utf8[i + 2] == 0xBE || utf8[i + 2] == 0xBF):
                    i += 2
                default: pending.append(c)
                }
            }
            i += 1
        }
        flush()
        return out
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
