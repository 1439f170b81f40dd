/// Result of block parsing: literal bytes interleaved with segment slots.
struct ParsedBlocks: Sendable {
    var pieces: [Piece] = []
    var slots: [SegmentSlot] = []
    /// Link-reference labels and heading texts (normalised), used to protect
    /// shortcut references like `[Pandoc's Markdown]` from translation.
    var labels: Set<String> = []
}

/// Builds `ParsedBlocks`, merging consecutive literals.
struct PieceBuilder {
    var result = ParsedBlocks()
    private var pending = ""

    mutating func literal<S: StringProtocol>(_ s: S) { pending += s }

    mutating func segment(_ slot: SegmentSlot) {
        flush()
        result.pieces.append(.segment(result.slots.count))
        result.slots.append(slot)
    }

    mutating func finish() -> ParsedBlocks {
        flush()
        return result
    }

    private mutating func flush() {
        if !pending.isEmpty { result.pieces.append(.literal(pending)); pending = "" }
    }
}

/// Hand-written block-level Markdown segmenter (see `MarkdownSyntax` for why).
/// Single forward pass over lines; each line is visited a bounded number of
/// times, so the cost is linear in the document size.
///
/// Containers are flattened: a list item or quote paragraph becomes one
/// segment whose per-line container prefixes (`> `, indentation) stay in the
/// literal bytes. Open list items are tracked only by their content column,
/// which is what decides whether an indented line continues the item or is
/// an indented code block.
struct MarkdownBlockParser {
    typealias Line = MarkdownSyntax.SourceLine
    let lines: [Line]
    let detectFrontMatter: Bool
    var i = 0
    var builder = PieceBuilder()
    var listStack: [Int] = []
    var tableCount = 0
    let lineEnding: String

    init(text: String, detectFrontMatter: Bool) {
        lines = MarkdownSyntax.splitLines(text)
        self.detectFrontMatter = detectFrontMatter
        lineEnding = lines.first(where: { !$0.terminator.isEmpty })?.terminator ?? "\n"
    }

    static func parse(_ text: String, detectFrontMatter: Bool = true) -> ParsedBlocks {
        var p = MarkdownBlockParser(text: text, detectFrontMatter: detectFrontMatter)
        return p.run()
    }

    private mutating func literalLine(_ k: Int) {
        builder.literal(lines[k].content)
        builder.literal(lines[k].terminator)
    }

    private mutating func literalLines(through last: Int) {
        while i <= last, i < lines.count { literalLine(i); i += 1 }
    }

    mutating func run() -> ParsedBlocks {
        if detectFrontMatter { skipFrontMatter() }
        while i < lines.count { parseBlockStart() }
        return builder.finish()
    }

    /// YAML front matter: `---` on the first line up to `---` or `...`. Never sent.
    private mutating func skipFrontMatter() {
        guard let first = lines.first, first.content.trimmingTrailingBlanks == "---" else { return }
        for k in 1..<lines.count {
            let c = lines[k].content.trimmingTrailingBlanks
            if c == "---" || c == "..." { literalLines(through: k); return }
        }
    }

    private mutating func parseBlockStart() {
        let line = lines[i].content
        let (depth, rest) = MarkdownSyntax.splitQuote(line)
        if MarkdownSyntax.isBlank(rest) { literalLine(i); i += 1; return }
        let (ind, textStart) = MarkdownSyntax.indentation(rest)
        var base = 0
        if depth == 0 {
            while let top = listStack.last, top > ind { listStack.removeLast() }
            base = listStack.last ?? 0
        } else {
            // A quote less indented than an open list item closes that item.
            let quoteIndent = MarkdownSyntax.indentation(line[...]).columns
            while let top = listStack.last, top > quoteIndent { listStack.removeLast() }
        }
        if ind - base >= 4 { return indentedCode(depth: depth, base: base) }
        let t = rest[textStart...]
        let inList = depth == 0 && !listStack.isEmpty

        if let fence = MarkdownSyntax.fenceOpen(t) { return fencedCode(fence) }
        if let h = MarkdownSyntax.atxHeading(t) {
            guard !h.content.isEmpty else { literalLine(i); i += 1; return }
            builder.result.labels.insert(MarkdownSyntax.normalizeLabel(line[h.content]))
            builder.literal(line[..<h.content.lowerBound])
            builder.segment(SegmentSlot(style: .atxHeading(h.level), lines: [String(line[h.content])], separators: [],
                                        firstLinePrefix: String(line[..<h.content.lowerBound]), lineEnding: lineEnding))
            builder.literal(line[h.content.upperBound...])
            builder.literal(lines[i].terminator)
            i += 1
            return
        }
        if MarkdownSyntax.isThematicBreak(t) || MarkdownSyntax.isTemplateLine(t) { literalLine(i); i += 1; return }
        if let html = MarkdownSyntax.htmlBlockStart(t) { return htmlBlock(html.end) }
        if let label = MarkdownSyntax.linkReferenceLabel(t) {
            builder.result.labels.insert(label)
            literalLine(i); i += 1; return
        }
        if MarkdownSyntax.isGridTableBorder(t) {
            // Pandoc grid table: cells span several lines, so it cannot be
            // rewritten cell by cell safely; kept verbatim up to the blank line.
            while i < lines.count, !MarkdownSyntax.isBlank(lines[i].content) { literalLine(i); i += 1 }
            return
        }
        if depth == 0, tableAhead(t) { return table() }
        if let m = MarkdownSyntax.listMarker(t) {
            let contentColumn = ind + m.markerAndSpacesColumns  // columns within the quote's rest
            if depth == 0 { listStack.append(contentColumn) }
            if m.isEmpty { literalLine(i); i += 1; return }
            // "- ```sh": a code block opened on the marker line is code, not item text.
            if let fence = MarkdownSyntax.fenceOpen(t[m.contentStart...]) { return fencedCode(fence) }
            return gatherParagraph(style: .listItem(marker: m.marker), contentStart: m.contentStart,
                                   depth: depth, container: contentColumn, inList: true, allowSetext: false)
        }
        gatherParagraph(style: depth > 0 ? .quote : .paragraph, contentStart: textStart,
                        depth: depth, container: depth == 0 ? base : 0, inList: inList, allowSetext: true)
    }

    private mutating func indentedCode(depth: Int, base: Int) {
        literalLine(i); i += 1
        while i < lines.count {
            let (d, rest) = MarkdownSyntax.splitQuote(lines[i].content)
            if MarkdownSyntax.isBlank(rest) || (d == depth && MarkdownSyntax.indentation(rest).columns - base >= 4) {
                literalLine(i); i += 1
            } else { break }
        }
    }

    private mutating func fencedCode(_ fence: (char: Character, count: Int)) {
        literalLine(i); i += 1
        while i < lines.count {
            let rest = MarkdownSyntax.splitQuote(lines[i].content).rest
            let t = rest[MarkdownSyntax.indentation(rest).textStart...]
            literalLine(i); i += 1
            if MarkdownSyntax.isFenceClose(t, char: fence.char, count: fence.count) { return }
        }
    }

    private mutating func htmlBlock(_ end: MarkdownSyntax.HTMLBlockEnd) {
        switch end {
        case .containing(let marker):
            // The end marker may already be on the opening line (`<!-- x -->`).
            let lowerMarker = marker.lowercased()
            while i < lines.count {
                let done = lines[i].content.lowercased().contains(lowerMarker)
                literalLine(i); i += 1
                if done { return }
            }
        case .blankLine:
            while i < lines.count, !MarkdownSyntax.isBlank(lines[i].content) { literalLine(i); i += 1 }
        }
    }

    /// Can `t` (indentation removed) interrupt a paragraph?
    static func interruptsParagraph(_ t: Substring, inList: Bool) -> Bool {
        if MarkdownSyntax.fenceOpen(t) != nil || MarkdownSyntax.atxHeading(t) != nil
            || MarkdownSyntax.isThematicBreak(t) || MarkdownSyntax.isTemplateLine(t) { return true }
        if let html = MarkdownSyntax.htmlBlockStart(t), html.canInterruptParagraph { return true }
        if let m = MarkdownSyntax.listMarker(t), !m.isEmpty {
            if let start = m.orderedStart { return inList || start == 1 }
            return true
        }
        return false
    }

    /// Collects a paragraph-like block (paragraph, quote paragraph, list item
    /// text) starting at line `i`, with lazy continuation lines.
    private mutating func gatherParagraph(style: EmitStyle, contentStart: String.Index, depth: Int,
                                          container: Int, inList: Bool, allowSetext: Bool) {
        let first = lines[i].content
        var contents = [String(first[contentStart...])]
        var separators: [String] = []
        var style = style
        var underline: Int? = nil
        var k = i + 1
        while k < lines.count {
            let line = lines[k].content
            let (d, rest) = MarkdownSyntax.splitQuote(line)
            if MarkdownSyntax.isBlank(rest) || d > depth { break }
            let (ind, textStart) = MarkdownSyntax.indentation(rest)
            let t = rest[textStart...]
            let relative = max(0, ind - container)
            if relative <= 3 {
                if allowSetext, d == depth, MarkdownSyntax.setextLevel(t) != nil { underline = k; break }
                // A lazy `===` would become an underline once written back under `> `: stop here instead.
                if d < depth, MarkdownSyntax.setextLevel(t) != nil { break }
                if Self.interruptsParagraph(t, inList: inList) { break }
            }
            let start = MarkdownSyntax.dropIndent(rest, columns: container)
            separators.append(lines[k - 1].terminator + String(line[..<start]))
            contents.append(String(line[start...]))
            k += 1
        }
        // Trailing blanks of the last line are layout, not text: keep them literal.
        let last = contents[contents.count - 1]
        let trimmedLast = last.trimmingTrailingBlanks
        let suffix = String(last.dropFirst(trimmedLast.count))
        contents[contents.count - 1] = trimmedLast
        if let u = underline, let level = MarkdownSyntax.setextLevel(lines[u].content[MarkdownSyntax.indentation(MarkdownSyntax.splitQuote(lines[u].content).rest).textStart...]) {
            style = .setextHeading(level)
            builder.result.labels.insert(MarkdownSyntax.normalizeLabel(contents.joined(separator: " ")))
        }
        let prefix = String(first[..<contentStart])
        builder.literal(prefix)
        builder.segment(SegmentSlot(style: style, lines: contents, separators: separators,
                                    firstLinePrefix: prefix, lineEnding: lineEnding))
        builder.literal(suffix)
        builder.literal(lines[k - 1].terminator)
        i = k
        if let u = underline { literalLines(through: u) }
    }

    /// A header row with pipes followed by a delimiter row with as many cells.
    private func tableAhead(_ t: Substring) -> Bool {
        guard t.contains("|"), i + 1 < lines.count else { return false }
        let next = lines[i + 1].content[...]
        guard let columns = MarkdownSyntax.delimiterRowColumns(next) else { return false }
        return MarkdownSyntax.tableCells(lines[i].content[...]).count == columns
    }

    /// Pipe table: every non-empty cell is its own segment; pipes, padding
    /// and the delimiter row stay literal.
    private mutating func table() {
        let table = tableCount
        tableCount += 1
        tableRow(table: table, row: 0)
        literalLine(i); i += 1  // delimiter row
        var row = 1
        while i < lines.count {
            let c = lines[i].content
            guard !MarkdownSyntax.isBlank(c), c.contains("|"), MarkdownSyntax.splitQuote(c).depth == 0 else { break }
            let t = c[MarkdownSyntax.indentation(c[...]).textStart...]
            if MarkdownSyntax.fenceOpen(t) != nil || MarkdownSyntax.atxHeading(t) != nil { break }
            tableRow(table: table, row: row)
            row += 1
        }
    }

    private mutating func tableRow(table: Int, row: Int) {
        let line = lines[i].content
        var cursor = line.startIndex
        for (column, r) in MarkdownSyntax.tableCells(line[...]).enumerated() where !r.isEmpty {
            builder.literal(line[cursor..<r.lowerBound])
            builder.segment(SegmentSlot(style: .tableCell(table: table, row: row, column: column),
                                        lines: [String(line[r])], separators: [],
                                        firstLinePrefix: String(line[cursor..<r.lowerBound]), lineEnding: lineEnding))
            cursor = r.upperBound
        }
        builder.literal(line[cursor...])
        builder.literal(lines[i].terminator)
        i += 1
    }
}

extension StringProtocol {
    var trimmingTrailingBlanks: String {
        var s = self[...]
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
