import Foundation

/// Reading the model's answers back into segment texts.
extension TextDocument {
    /// Maps the model's answer for `chunk` back to its segments, by position.
    ///
    /// The answer is re-parsed with the same block parser that wrote the
    /// chunk. A code fence wrapping the whole answer (```markdown … ```) is
    /// removed, and a leading chatter line ("Here is the translation:") is
    /// dropped, each only when that is what makes the blocks line up.
    /// - Returns: segment (or part) ID → text, placeholders still in place.
    /// - Throws: `.structureMismatch` when the number or kinds of blocks
    ///   differ (e.g. two paragraphs merged): retry segment by segment.
    public func parseResponse(_ response: String, for chunk: Chunk) throws(DocumentError) -> [Int: String] {
        let expected = chunk.segmentIDs.map { kind(of: $0) }
        var best = 0
        for candidate in Self.responseCandidates(response) {
            let parsed = ChunkWriter.parseFragment(candidate, format: format)
            if parsed.count == expected.count, zip(parsed, expected).allSatisfy({ $0.kind == $1 }) {
                return Dictionary(uniqueKeysWithValues: zip(chunk.segmentIDs, parsed.map(\.text)))
            }
            best = best == 0 ? parsed.count : best
        }
        throw DocumentError(.structureMismatch,
                            "chunk \(chunk.index): expected \(expected.count) blocks, answer has \(best) (or different kinds)")
    }

    /// The segments (or parts) of a chunk, as sent: useful to retry a failed
    /// chunk one segment at a time, including split parts.
    public func segments(in chunk: Chunk) -> [Segment] {
        let texts = (try? parseResponse(chunk.text, for: chunk)) ?? [:]
        return chunk.segmentIDs.compactMap { id in
            guard let kind = kind(of: id) else { return nil }
            return Segment(id: id, kind: kind, text: texts[id] ?? (SegmentPartID.decompose(id) == nil ? segments[id].text : ""))
        }
    }

    /// Text to send when a segment is retried alone: the bare segment text
    /// (no block marker), placeholders included.
    public func segmentText(for single: Segment) -> String {
        single.text
    }

    /// Reads the model's answer to `segmentText(for:)` as that segment's new
    /// text: trims, unwraps a code fence or quotes the source did not have,
    /// drops a chatter first line ending with ':' when more text follows, and
    /// removes a block marker (`## `, `- `, `> `) the model repeated.
    public func parseSingleResponse(_ response: String, for single: Segment) -> String {
        var text = response.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if let unwrapped = Self.unwrapFence(text) { text = unwrapped }
        let source = single.text
        let lines = text.components(separatedBy: "\n")
        if lines.count > 2, lines[0].hasSuffix(":"), lines[1].trimmingCharacters(in: .whitespaces).isEmpty,
           !source.contains("\n") {
            text = lines.dropFirst(2).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if let unwrapped = Self.unwrapFence(text) { text = unwrapped }
        }
        for (open, close) in [("\"", "\""), ("«", "»"), ("“", "”")] where text.count >= 2 {
            if text.hasPrefix(open), text.hasSuffix(close), !source.hasPrefix(open) {
                text = String(text.dropFirst(open.count).dropLast(close.count))
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        if format == .markdown {
            let parsed = ChunkWriter.parseFragment(text, format: .markdown)
            if parsed.count == 1, parsed[0].kind == single.kind || parsed[0].kind != .paragraph,
               !source.hasPrefix(String(text.prefix(2))) {
                text = parsed[0].text
            }
        }
        if single.kind == .tableCell || { if case .heading = single.kind { return true }; return false }() {
            text = text.split(separator: "\n").joined(separator: " ")
        }
        return text
    }

    /// Answer variants to try, most literal first.
    static func responseCandidates(_ response: String) -> [String] {
        let normalized = response.replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var candidates = [normalized]
        if let unwrapped = unwrapFence(normalized) { candidates.append(unwrapped) }
        // Leading chatter: a first short block ("Here is the translation:").
        if let blank = normalized.range(of: "\n\n") {
            let first = normalized[..<blank.lowerBound]
            if !first.contains("\n"), first.count < 200 {
                let rest = String(normalized[blank.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
                candidates.append(rest)
                if let unwrapped = unwrapFence(rest) { candidates.append(unwrapped) }
            }
        } else if let newline = normalized.firstIndex(of: "\n"), normalized[..<newline].hasSuffix(":") {
            let rest = String(normalized[normalized.index(after: newline)...])
            if let unwrapped = unwrapFence(rest) { candidates.append(unwrapped) }
        }
        return candidates
    }

    /// Content of a fence wrapping the whole text, if it does.
    static func unwrapFence(_ text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        guard lines.count >= 2, let first = lines.first, let last = lines.last else { return nil }
        let t = first.trimmingCharacters(in: .whitespaces)[...]
        guard let fence = MarkdownSyntax.fenceOpen(t),
              MarkdownSyntax.isFenceClose(last.trimmingCharacters(in: .whitespaces)[...], char: fence.char, count: fence.count)
        else { return nil }
        lines.removeFirst()
        lines.removeLast()
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension TextDocument {
    /// A chunk made of some of `chunk`'s segments, written the same way, so that a chunk
    /// whose answer did not line up can be retried in smaller parts that keep their context.
    public func subchunk(of chunk: Chunk, segmentIDs ids: [Int]) -> Chunk {
        let texts = Dictionary(uniqueKeysWithValues: segments(in: chunk).map { ($0.id, $0.text) })
        let items = ids.compactMap { id in texts[id].map { (id: id, text: $0) } }
        let text = ChunkWriter.fragment(items, in: self)
        return Chunk(index: chunk.index, segmentIDs: items.map(\.id), text: text,
                     estimatedTokens: Chunker.estimateTokens(text))
    }

    /// Where `chunk` can be cut in two without splitting a table: the index in
    /// `chunk.segmentIDs` of the cut nearest the middle, or nil when there is none.
    public func splitPoint(of chunk: Chunk) -> Int? {
        let ids = chunk.segmentIDs
        guard ids.count > 1 else { return nil }
        func table(_ id: Int) -> Int? {
            if case .tableCell(let t, _, _) = style(of: id) { return t }
            return nil
        }
        let mid = ids.count / 2
        let candidates = (1..<ids.count).sorted { abs($0 - mid) < abs($1 - mid) }
        return candidates.first { i in
            guard let a = table(ids[i - 1]), let b = table(ids[i]) else { return true }
            return a != b
        }
    }
}
