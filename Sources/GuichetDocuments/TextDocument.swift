import Foundation

/// A parsed document: an ordered list of literal bytes and translatable
/// segments covering the entire source. Rendering with no replacements
/// reproduces the source byte for byte.
///
/// Typical flow:
/// ```swift
/// let doc = try TextDocument(format: .markdown, data: fileData)
/// var results: [Int: String] = [:]
/// for chunk in Chunker(tokenBudget: 1500).chunks(for: doc) {
///     let answer = try await model.run(prompt, chunk.text)
///     do { results.merge(try doc.parseResponse(answer, for: chunk)) { $1 } }
///     catch { // .structureMismatch: retry one segment at a time
///         for segment in doc.segments(in: chunk) {
///             let single = try await model.run(prompt, doc.segmentText(for: segment))
///             results[segment.id] = doc.parseSingleResponse(single, for: segment)
///         }
///     }
/// }
/// let (text, rejected) = doc.renderKeepingSourceOnMismatch(replacing: results)
/// ```
public struct TextDocument: Sendable {
    public let format: DocumentFormat
    /// Translatable segments in document order; `id` is the index.
    public let segments: [Segment]
    /// Whether the source file had a UTF-8 BOM (re-added by `renderData`).
    public let hasByteOrderMark: Bool

    let pieces: [Piece]
    let slots: [SegmentSlot]
    /// Protected original bytes of each segment's placeholders (`⟦n⟧` → originals[n-1]).
    let originals: [[String]]

    /// Parses already-decoded text (see `TextDecoding`).
    public init(format: DocumentFormat, text: String, hasByteOrderMark: Bool = false) {
        self.format = format
        self.hasByteOrderMark = hasByteOrderMark
        let parsed = format == .markdown ? MarkdownBlockParser.parse(text) : PlainTextParser.parse(text)
        pieces = parsed.pieces
        slots = parsed.slots
        var segments: [Segment] = []
        var originals: [[String]] = []
        segments.reserveCapacity(parsed.slots.count)
        let protector = InlineProtector(labels: parsed.labels, markdown: format == .markdown)
        for (id, slot) in parsed.slots.enumerated() {
            let p = protector.protect(slot.joinedText)
            segments.append(Segment(id: id, kind: slot.style.kind, text: p.text))
            originals.append(p.originals)
        }
        self.segments = segments
        self.originals = originals
    }

    /// Decodes (strict UTF-8, BOM remembered) then parses.
    public init(format: DocumentFormat, data: Data) throws(DocumentError) {
        let decoded = try TextDecoding.decodeKeepingBOMInfo(data)
        self.init(format: format, text: decoded.text, hasByteOrderMark: decoded.hasByteOrderMark)
    }

    /// Rebuilds the document, replacing the text of the segments present in
    /// `results` (keyed by segment ID or sub-segment part ID, see
    /// `SegmentPartID`). Markers, indentation, line endings, code and front
    /// matter are untouched. A split segment is replaced only when all its
    /// parts are present; the parts are joined with one space.
    /// - Throws: `.placeholderMismatch` if a replacement loses, duplicates or
    ///   invents a placeholder. Validate with `restorePlaceholders` first to
    ///   keep the source for just that segment instead.
    public func render(replacing results: [Int: String] = [:]) throws(DocumentError) -> String {
        var parts: [Int: [(index: Int, count: Int, text: String)]] = [:]
        for (id, text) in results {
            if let p = SegmentPartID.decompose(id) { parts[p.parent, default: []].append((p.index, p.count, text)) }
        }
        var out = ""
        out.reserveCapacity(pieces.count * 40)
        for piece in pieces {
            switch piece {
            case .literal(let s):
                out += s
            case .segment(let id):
                var replacement = results[id]
                if replacement == nil, let group = parts[id], let count = group.first?.count,
                   group.count == count, Set(group.map(\.index)) == Set(0..<count) {
                    replacement = group.sorted { $0.index < $1.index }.map(\.text).joined(separator: " ")
                }
                if let replacement {
                    out += slots[id].render(raw: try restorePlaceholders(segmentID: id, in: replacement).get())
                } else {
                    out += slots[id].rawText
                }
            }
        }
        return out
    }

    /// Like `render`, but a replacement whose placeholders do not match is
    /// dropped (that segment keeps its source text) and reported, instead
    /// of failing the whole document. Keys of `rejected` are segment IDs
    /// (the parent ID for split segments).
    public func renderKeepingSourceOnMismatch(replacing results: [Int: String]) -> (text: String, rejected: [Int: DocumentError]) {
        var accepted = results
        var rejected: [Int: DocumentError] = [:]
        var parts: [Int: [(id: Int, index: Int, text: String)]] = [:]
        for (id, text) in results {
            if let p = SegmentPartID.decompose(id) {
                parts[p.parent, default: []].append((id, p.index, text))
            } else if case .failure(let error) = restorePlaceholders(segmentID: id, in: text) {
                accepted.removeValue(forKey: id)
                rejected[id] = error
            }
        }
        for (parent, group) in parts {
            let joined = group.sorted { $0.index < $1.index }.map(\.text).joined(separator: " ")
            if case .failure(let error) = restorePlaceholders(segmentID: parent, in: joined) {
                for part in group { accepted.removeValue(forKey: part.id) }
                rejected[parent] = error
            }
        }
        // Every remaining replacement was validated above, so render cannot fail on it.
        let text = (try? render(replacing: accepted)) ?? ((try? render()) ?? "")
        return (text, rejected)
    }

    /// `render` then UTF-8 encode, re-adding the BOM if the source had one.
    public func renderData(replacing results: [Int: String] = [:]) throws(DocumentError) -> Data {
        DecodedText(text: "", hasByteOrderMark: hasByteOrderMark).encode(try render(replacing: results))
    }

    /// Puts the protected original bytes back in place of `⟦n⟧`. Every
    /// placeholder of the segment must appear exactly once. For a part ID
    /// (`SegmentPartID`) only unknown or duplicated placeholders are errors,
    /// since a part holds a subset; the joined parts are checked by `render`.
    public func restorePlaceholders(segmentID: Int, in text: String) -> Result<String, DocumentError> {
        let part = SegmentPartID.decompose(segmentID)
        let id = part?.parent ?? segmentID
        guard originals.indices.contains(id) else {
            return .failure(DocumentError(.placeholderMismatch, "unknown segment \(segmentID)"))
        }
        let known = originals[id]
        var seen = [Int](repeating: 0, count: known.count)
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "⟦" {
                var k = i + 1
                while k < chars.count, chars[k].isASCII, chars[k].isNumber { k += 1 }
                if k > i + 1, k < chars.count, chars[k] == "⟧" {
                    let n = Int(String(chars[(i + 1)..<k])) ?? 0
                    guard (1...max(known.count, 1)).contains(n), n <= known.count else {
                        return .failure(DocumentError(.placeholderMismatch,
                            "segment \(segmentID): unknown placeholder ⟦\(n)⟧ (segment has \(known.count))"))
                    }
                    seen[n - 1] += 1
                    if seen[n - 1] > 1 {
                        return .failure(DocumentError(.placeholderMismatch, "segment \(segmentID): placeholder ⟦\(n)⟧ is duplicated"))
                    }
                    out += known[n - 1]
                    i = k + 1
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        if part == nil, let missing = seen.firstIndex(of: 0) {
            return .failure(DocumentError(.placeholderMismatch, "segment \(segmentID): placeholder ⟦\(missing + 1)⟧ is missing"))
        }
        return .success(out)
    }

    /// Kind of a segment or of the segment a part belongs to.
    public func kind(of id: Int) -> SegmentKind? {
        let parent = SegmentPartID.decompose(id)?.parent ?? id
        return segments.indices.contains(parent) ? segments[parent].kind : nil
    }

    func style(of id: Int) -> EmitStyle {
        slots[SegmentPartID.decompose(id)?.parent ?? id].style
    }
}

/// IDs of the sub-segments ("parts") a too-large segment is split into by
/// the `Chunker`. The ID itself encodes the parent, the part index and the
/// part count, so documents and chunks stay immutable values and `render`
/// can tell when all parts of a segment came back.
public enum SegmentPartID {
    static let base = 1 << 52

    public static func make(parent: Int, index: Int, count: Int) -> Int {
        precondition(count <= 1023 && index < count && parent < (1 << 31))
        return base | parent << 20 | count << 10 | index
    }

    /// `nil` for an ordinary segment ID.
    public static func decompose(_ id: Int) -> (parent: Int, index: Int, count: Int)? {
        guard id & base != 0 else { return nil }
        return ((id & ~base) >> 20, id & 1023, (id >> 10) & 1023)
    }
}
