/// HTML-block and pipe-table recognisers (CommonMark HTML block types 1–7,
/// GFM pipe tables), kept apart from the simpler line tests.
extension MarkdownSyntax {
    /// How an HTML block ends.
    enum HTMLBlockEnd: Equatable {
        /// The block ends on the line containing this string (types 1–5).
        case containing(String)
        /// The block ends before the next blank line (types 6–7).
        case blankLine
    }

    static let blockTags: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
        "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
        "optgroup", "option", "p", "param", "search", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "title", "tr", "track", "ul",
    ]

    /// Recognises the start of an HTML block in `t` (indentation removed).
    /// `canInterruptParagraph` is false for type 7 (a lone arbitrary tag).
    static func htmlBlockStart(_ t: Substring) -> (end: HTMLBlockEnd, canInterruptParagraph: Bool)? {
        guard t.first == "<" else { return nil }
        if t.hasPrefix("<!--") { return (.containing("-->"), true) }
        if t.hasPrefix("<?") { return (.containing("?>"), true) }
        if t.hasPrefix("<![CDATA[") { return (.containing("]]>"), true) }
        if t.hasPrefix("<!"), let c = t.dropFirst(2).first, c.isLetter { return (.containing(">"), true) }
        var rest = t.dropFirst()
        let closing = rest.first == "/"
        if closing { rest = rest.dropFirst() }
        let name = rest.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        guard let first = name.first, first.isLetter else { return nil }
        let lower = name.lowercased()
        let after = rest[name.endIndex...]
        let boundary = after.isEmpty || after.first == " " || after.first == "\t" || after.first == ">" || after.hasPrefix("/>")
        if !closing, ["script", "pre", "style", "textarea"].contains(lower), boundary {
            return (.containing("</\(lower)>"), true)
        }
        if blockTags.contains(lower), boundary { return (.blankLine, true) }
        // Type 7: a complete open or closing tag alone on its line.
        if lower != "script", lower != "style", lower != "pre", isLoneTag(after, closing: closing) {
            return (.blankLine, false)
        }
        return nil
    }

    /// After the tag name: attributes (loosely), `>` and only whitespace.
    private static func isLoneTag(_ after: Substring, closing: Bool) -> Bool {
        var quote: Character? = nil
        var i = after.startIndex
        while i < after.endIndex {
            let c = after[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                if closing { return false }
                quote = c
            } else if c == "<" {
                return false
            } else if c == ">" {
                return isBlank(after[after.index(after: i)...])
            }
            i = after.index(after: i)
        }
        return false
    }

    /// Cell ranges of a pipe-table row, trimmed of surrounding spaces.
    /// Leading/trailing pipes are optional; `\|` does not split.
    static func tableCells(_ line: Substring) -> [Range<String.Index>] {
        var start = indentation(line).textStart
        var end = line.endIndex
        while end > start, line[line.index(before: end)] == " " || line[line.index(before: end)] == "\t" {
            end = line.index(before: end)
        }
        guard start < end else { return [] }
        if line[start] == "|" { start = line.index(after: start) }
        if end > start {
            let last = line.index(before: end)
            if line[last] == "|", last == start || line[line.index(before: last)] != "\\" { end = last }
        }
        var cells: [Range<String.Index>] = []
        var cellStart = start
        var i = start
        while i < end {
            if line[i] == "\\" {
                i = line.index(after: i)
                if i < end { i = line.index(after: i) }
                continue
            }
            if line[i] == "|" {
                cells.append(trim(line, cellStart..<i))
                cellStart = line.index(after: i)
            }
            i = line.index(after: i)
        }
        cells.append(trim(line, cellStart..<end))
        return cells
    }

    private static func trim(_ s: Substring, _ r: Range<String.Index>) -> Range<String.Index> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, s[lo] == " " || s[lo] == "\t" { lo = s.index(after: lo) }
        while hi > lo, s[s.index(before: hi)] == " " || s[s.index(before: hi)] == "\t" { hi = s.index(before: hi) }
        return lo..<hi
    }

    /// `+----+:===+` border line of a pandoc grid table.
    static func isGridTableBorder(_ t: Substring) -> Bool {
        let s = t.trimmingTrailingBlanks
        return s.count >= 3 && s.hasPrefix("+") && s.hasSuffix("+") && s.allSatisfy({ "+-=:".contains($0) })
            && (s.contains("-") || s.contains("="))
    }

    /// Number of columns if `line` is a delimiter row like `|:--|--:|`.
    static func delimiterRowColumns(_ line: Substring) -> Int? {
        guard line.contains("|") else { return nil }
        let cells = tableCells(line)
        guard !cells.isEmpty else { return nil }
        for r in cells {
            var c = line[r]
            if c.first == ":" { c = c.dropFirst() }
            if c.last == ":" { c = c.dropLast() }
            if c.isEmpty || !c.allSatisfy({ $0 == "-" }) { return nil }
        }
        return cells.count
    }
}
