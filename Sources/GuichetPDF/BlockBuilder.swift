import GuichetDocumentModel

/// Turns ordered lines into blocks: tables, code, headings, list items and paragraphs
/// (wrapped lines joined, also across a column or page break when the sentence goes on).
struct BlockBuilder {
    var bodySize: Double
    var headingLevels: [Double: Int]
    var joiner: Dehyphenator
    /// Extent of each (page, column), to tell a short last line of a paragraph from a full one.
    var columnRight: [ColumnKey: Double]
    var columnLeft: [ColumnKey: Double]

    struct ColumnKey: Hashable {
        var page: Int
        var column: Int
        init(_ l: Line) { page = l.page; column = l.column }
    }

    init(lines: [Line], joiner: Dehyphenator) {
        self.joiner = joiner
        var tally = SizeTally()
        for l in lines { for s in l.segments { for w in s.words { tally.add(w.size, w.length) } } }
        bodySize = tally.dominant ?? 10
        columnRight = [:]; columnLeft = [:]
        for l in lines {
            let k = ColumnKey(l)
            columnRight[k] = max(columnRight[k] ?? 0, l.x2)
            columnLeft[k] = min(columnLeft[k] ?? .infinity, l.x1)
        }
        headingLevels = [:]
        let sizes = Set(lines.filter { BlockBuilder.isHeading($0, body: bodySize) }.map { ($0.size * 2).rounded() / 2 })
            .filter { $0 > bodySize * 1.1 }.sorted(by: >)
        for (i, s) in sizes.enumerated() { headingLevels[s] = min(i + 1, 6) }
    }

    static let bullets: Set<String> = ["•", "-", "–", "—", "▪", "◦", "*", "●", "○", "■", "□", "➢", "►", "", "·", "o", "✓", "→"]

    /// The list marker at the start of `text`, and whether it is ordered.
    static func listMarker(_ text: String) -> (marker: String, ordered: Bool)? {
        // First space-separated token (what `split(separator: " ").first` gives, without the array).
        let rest = text.drop { $0 == " " }
        guard !rest.isEmpty else { return nil }
        // Every marker is at most 5 bytes long (a bullet, "12.", "a)", "iv.") unless it starts with
        // a bullet glued to the text: reject longer first tokens from their bytes.
        var tokenBytes = 0
        for b in rest.utf8 { if b == 0x20 { break }; tokenBytes += 1; if tokenBytes > 5 { break } }
        if tokenBytes > 5, let f = rest.unicodeScalars.first, !"•▪◦●■➢►".unicodeScalars.contains(f) { return nil }
        let tok = String(rest.prefix { $0 != " " })
        // `text.count > tok.count + 1` without counting the characters of a whole line.
        let hasMore = !text.dropFirst(tok.count + 1).isEmpty
        if bullets.contains(tok), hasMore { return (tok, false) }
        if let f = tok.unicodeScalars.first, "•▪◦●■➢►".unicodeScalars.contains(f), tok.count > 1 { return (String(f), false) }
        guard hasMore, let end = tok.last, end == "." || end == ")" else { return nil }
        let body = tok.dropLast()
        if !body.isEmpty, body.count <= 3, body.allSatisfy(\.isASCIIDigit) { return (tok, true) }
        if body.count == 1, let c = body.first, c.isLowercase, c.isLetter { return (tok, true) }
        if body.count == 1, end == ")", let c = body.first, c.isLetter { return (tok, true) }
        if !body.isEmpty, body.count <= 4, body.allSatisfy({ "ivx".contains($0) }) { return (tok, true) }
        return nil
    }

    static func isHeading(_ l: Line, body: Double) -> Bool {
        let t = l.text
        guard !l.mono else { return false }
        let count = l.length
        guard count >= 2, count <= 160, hasLetter(t) else { return false }
        if t.hasSuffix(",") || t.hasSuffix(";") { return false }
        if l.size >= body * 1.15 + 0.3 { return true }
        return l.bold && l.size >= body * 0.95 && count <= 120 && !t.hasSuffix(".") && !t.hasSuffix("。")
            && l.segments.count <= 2
    }

    /// `t.contains(where: \.isLetter)`, answered from the bytes when an ASCII letter is there.
    static func hasLetter(_ t: String) -> Bool {
        var nonASCII = false
        for b in t.utf8 {
            if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { return true }
            if b >= 0x80 { nonASCII = true }
        }
        return nonASCII && t.contains(where: \.isLetter)
    }

    /// ``isHeading`` plus layout: a body-size bold line that fills its column is a bold
    /// paragraph, not a title. Lines that read as prose are not titles whatever their size:
    /// a sentence (ends with "。", "！", "？", with "." after eight words or more, or with ":"
    /// after eight, which introduces what follows) or a list of names (three commas or more, as
    /// in author lines).
    func heading(_ l: Line) -> Bool {
        guard BlockBuilder.isHeading(l, body: bodySize) else { return false }
        let t = l.text
        if let last = t.last, "。！？".contains(last) { return false }
        let words = t.split(separator: " ")
        if t.hasSuffix(".") && words.count >= 8 { return false }
        if t.hasSuffix(":") && words.count >= 8 { return false }  // a lead-in sentence
        if t.reduce(0, { $0 + ($1 == "," ? 1 : 0) }) >= 3 { return false }
        // A bulleted line is a list item, bold or not ("- Anomalies générées par l’API").
        if let marker = BlockBuilder.listMarker(t), !marker.ordered { return false }
        // A title does not end on "de", "la", "est"…: the line goes on below, it is prose.
        if words.count >= 3, let last = words.last, BlockBuilder.continuingWords.contains(last.lowercased()) { return false }
        // A long line with a verb like "est" or "is" states something: a sentence.
        if words.count >= 10, words.contains(where: { BlockBuilder.copulas.contains($0.lowercased()) }) { return false }
        if l.size >= bodySize * 1.15 + 0.3 { return true }
        let right = columnRight[ColumnKey(l)] ?? l.x2
        return l.x2 < right - 2 * max(l.size, 1)
    }

    /// Words a French or English line does not end on unless it goes on (articles,
    /// prepositions, conjunctions, auxiliaries).
    static let continuingWords: Set<String> = [
        "le", "la", "les", "l’", "l'", "un", "une", "des", "du", "de", "d’", "d'", "et", "ou", "à", "au", "aux", "en", "par",
        "pour", "sur", "dans", "avec", "que", "qui", "est", "sont", "ont", "ce", "cette", "ces", "son", "sa", "ses",
        "the", "an", "of", "to", "and", "or", "in", "on", "for", "with", "by", "is", "are", "that", "which",
    ]

    /// Verbs that make a long line a statement rather than a title.
    static let copulas: Set<String> = ["est", "sont", "sera", "seront", "doit", "doivent", "is", "are", "was", "were", "must", "will"]

    func level(of l: Line) -> Int {
        // Numbered headings ("2.5.3 L'adresse") carry their depth in the number.
        if let tok = l.text.split(separator: " ").first {
            let parts = tok.split(separator: ".", omittingEmptySubsequences: true)
            if !parts.isEmpty, parts.count <= 6, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
               tok.contains(".") || l.text.count > tok.count + 1, parts.count > 1 || tok.hasSuffix(".") {
                return parts.count
            }
        }
        return headingLevels[(l.size * 2).rounded() / 2] ?? min(headingLevels.count + 1, 6)
    }

    func build(_ lines: [Line]) -> [StructuredDocument.Block] {
        var blocks: [StructuredDocument.Block] = []
        var smallPrint = Set<Int>()  // paragraphs in small type: figure labels, not prose
        let tables = TableDetector(joiner: joiner)
        // Worked out once per line: the loops below look at each line several times.
        let isHeading = lines.map(heading)
        let hasMarker = lines.map { BlockBuilder.listMarker($0.text) != nil }
        var i = 0
        while i < lines.count {
            if let (table, next) = tables.detect(lines, from: i) { blocks.append(table); i = next; continue }
            let l = lines[i]
            if l.mono {
                var group = [l]; i += 1
                while i < lines.count, lines[i].mono, lines[i].page == l.page, lines[i].y1 - group.last!.y2 < 1.5 * max(l.size, 1) {
                    group.append(lines[i]); i += 1
                }
                blocks.append(.code(text: codeText(group), page: l.page))
                continue
            }
            if let end = jsonEnd(lines, from: i) {
                blocks.append(.code(text: codeText(Array(lines[i..<end])), page: l.page))
                i = end
                continue
            }
            if isHeading[i] {
                var text = l.text; var last = l; i += 1
                while i < lines.count, lines[i].page == l.page, isHeading[i],
                      abs(lines[i].size - l.size) < 0.5, lines[i].bold == l.bold, lines[i].y1 - last.y2 < 0.8 * l.size,
                      !hasMarker[i], level(of: lines[i]) == level(of: l) || !lines[i].text.first!.isNumber {
                    text = joiner.join(text, lines[i].text); last = lines[i]; i += 1
                }
                blocks.append(.heading(level: level(of: l), text: text, page: l.page))
                continue
            }
            let marker = BlockBuilder.listMarker(l.text)
            var text = l.text; var last = l; i += 1
            while i < lines.count, !isHeading[i], !hasMarker[i], continues(last, lines[i], first: l, inList: marker != nil) {
                text = joiner.join(text, lines[i].text); last = lines[i]; i += 1
            }
            if let marker {
                let body = String(text.dropFirst(marker.marker.count)).trimmingCharacters(in: .whitespaces)
                let left = columnLeft[ColumnKey(l)] ?? l.x1
                let level = max(0, min(5, Int((l.x1 - left) / 18)))
                blocks.append(.listItem(text: body, ordered: marker.ordered, level: level, marker: marker.marker, page: l.page))
            } else {
                if l.size < 0.8 * bodySize { smallPrint.insert(blocks.count) }
                blocks.append(.paragraph(text: text, page: l.page))
            }
        }
        return mergeInterruptedParagraphs(blocks, smallPrint: smallPrint)
    }

    /// A table cut by a page break comes out as two tables on consecutive pages with nothing
    /// between them (running headers and footers are gone by now): one table, whose header row,
    /// when the next page repeats it, is kept once. A next part with a header row of its own that
    /// differs is a new table. Returns the blocks and the header rows dropped as repeats.
    static func mergeTablesAcrossPages(_ input: [StructuredDocument.Block]) -> (blocks: [StructuredDocument.Block], repeatedHeaders: [String]) {
        var out: [StructuredDocument.Block] = []
        var repeated: [String] = []
        var endPage: Int? = nil  // last page of `out.last` when it is a table
        for block in input {
            guard case let .table(rows, header, page?) = block else { out.append(block); endPage = nil; continue }
            guard case let .table(prevRows, prevHeader, prevPage)? = out.last, let end = endPage, page == end + 1,
                  let width = rows.first?.count, width == prevRows.first?.count else {
                out.append(block); endPage = page; continue
            }
            var more = rows
            if prevHeader, header, rows.first == prevRows.first {
                repeated.append(more.removeFirst().joined(separator: " "))  // the header row repeated on the new page
            } else if header {
                out.append(block); endPage = page; continue
            }
            out[out.count - 1] = .table(rows: prevRows + more, header: prevHeader, page: prevPage)
            endPage = page
        }
        return (out, repeated)
    }

    /// A sentence cut at the bottom of a column often resumes after a figure, caption or footnote
    /// placed at the top of the next column: rejoin it with the first following paragraph that
    /// starts in lowercase, looking up to 25 blocks ahead (figure labels are many small blocks) and never across a heading
    /// or a list.
    func mergeInterruptedParagraphs(_ input: [StructuredDocument.Block], smallPrint: Set<Int>) -> [StructuredDocument.Block] {
        var blocks = input
        var small = input.indices.map { smallPrint.contains($0) }
        var i = 0
        while i < blocks.count {
            guard case let .paragraph(text, page) = blocks[i], hasAtLeast(text, 40),
                  let last = text.last, !".!?:;»)".contains(last) else { i += 1; continue }
            var k = i + 1
            while k < blocks.count, k <= i + 25 {
                if case .heading = blocks[k] { break }
                if case .listItem = blocks[k] { break }
                if case let .paragraph(next, _) = blocks[k] {
                    // Figure labels ("loop cold/blacklisted") are short: only prose may continue.
                    if let f = next.first, f.isLowercase, k > i + 1, hasAtLeast(next, 40), next.split(separator: " ").count >= 6 {
                        if small[k] { k += 1; continue }
                        blocks[i] = .paragraph(text: joiner.join(text, next), page: page)
                        blocks.remove(at: k)
                        small.remove(at: k)
                    }
                    if next.first?.isLowercase ?? false, hasAtLeast(next, 40) { break }
                }
                k += 1
            }
            i += 1
        }
        return blocks
    }

    /// Whether `cur` is the next line of the paragraph (or list item) whose last line is `prev`.
    /// The caller has checked that `cur` is neither a heading nor a list item.
    func continues(_ prev: Line, _ cur: Line, first: Line, inList: Bool) -> Bool {
        if cur.mono != prev.mono { return false }
        if abs(cur.size - prev.size) > 0.8 { return false }
        let em = max(prev.size, 1)
        let prevText = prev.text
        // Table-of-contents entries end with dot leaders and a page number.
        if utf8Contains(prevText, "....") || utf8Contains(prevText, ". . . .") { return false }
        let terminal = prevText.last.map { ".!?:;»。！？".contains($0) } ?? false
        if cur.page != prev.page || cur.column != prev.column {
            // Column or page break: go on only if the sentence visibly goes on.
            guard !terminal, let f = cur.text.first else { return false }
            return f.isLowercase
        }
        let gap = cur.y1 - prev.y2
        if gap < -0.5 * em || gap > 0.75 * em { return false }
        if cur.segments.count >= 2 && prev.segments.count >= 2 { return false }
        let right = columnRight[ColumnKey(prev)] ?? prev.x2
        if terminal && prev.x2 < right - 3 * em { return false }
        if inList { return cur.x1 > first.x1 + 0.5 * em }
        // A first-line indent starts a new paragraph.
        if terminal && cur.x1 > prev.x1 + 0.8 * em { return false }
        return true
    }

    /// JSON examples set in a proportional font: a line that is just "{" or "[" opens a block that
    /// ends where the brackets balance again (same page, at most 400 lines).
    func jsonEnd(_ lines: [Line], from start: Int) -> Int? {
        // Only a very short line can be a lone bracket: skip Foundation's trimming otherwise.
        guard lines[start].text.utf8.count <= 16 else { return nil }
        let t = lines[start].text.trimmingCharacters(in: .whitespaces)
        guard t == "{" || t == "[" || t == "{}" else { return nil }
        var depth = 0
        var k = start
        while k < lines.count, k - start < 400 {
            if k > start && lines[k].page != lines[k - 1].page { break }
            for ch in lines[k].text {
                if ch == "{" || ch == "[" { depth += 1 } else if ch == "}" || ch == "]" { depth -= 1 }
            }
            k += 1
            if depth <= 0 { return k }
        }
        return k > start + 1 ? k : nil
    }

    /// Code keeps its lines and approximate indentation (monospace: one char ≈ 0.6 em).
    func codeText(_ group: [Line]) -> String {
        let left = group.map(\.x1).min() ?? 0
        return group.map { l in
            let indent = max(0, Int(((l.x1 - left) / max(0.6 * l.size, 1)).rounded()))
            return String(repeating: " ", count: indent) + l.text
        }.joined(separator: "\n")
    }
}

/// Byte-wise substring test (Foundation's `contains` goes through NSString for every line).
func utf8Contains(_ haystack: String, _ needle: String) -> Bool {
    var h = haystack, n = needle
    return h.withUTF8 { hb in
        n.withUTF8 { nb in
            guard !nb.isEmpty else { return true }
            guard nb.count <= hb.count else { return false }
            let first = nb[0]
            for i in 0...(hb.count - nb.count) where hb[i] == first {
                var k = 1
                while k < nb.count && hb[i + k] == nb[k] { k += 1 }
                if k == nb.count { return true }
            }
            return false
        }
    }
}

/// `s.count >= n`, walking at most n characters (paragraphs can be long).
func hasAtLeast(_ s: String, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    if s.utf8.count < n { return false }  // never fewer bytes than characters
    return !s.dropFirst(n - 1).isEmpty
}
