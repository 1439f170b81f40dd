/// Line-level Markdown recognisers used by `MarkdownBlockParser`.
///
/// There is no Markdown library available here that keeps source bytes
/// (swift-markdown is not available, Ink only renders HTML), so this is a
/// hand-written, CommonMark-inspired subset: it only has to decide where
/// blocks start and end, never how they render.
enum MarkdownSyntax {
    struct SourceLine: Sendable {
        let content: String
        let terminator: String
    }

    /// Splits on LF, remembering whether each line ended with LF, CRLF or nothing.
    static func splitLines(_ text: String) -> [SourceLine] {
        var result: [SourceLine] = []
        let u = Array(text.utf8)
        var start = 0
        for i in 0..<u.count where u[i] == 0x0A {
            let crlf = i > start && u[i - 1] == 0x0D
            let end = crlf ? i - 1 : i
            result.append(SourceLine(content: String(decoding: u[start..<end], as: UTF8.self),
                                     terminator: crlf ? "\r\n" : "\n"))
            start = i + 1
        }
        if start < u.count {
            result.append(SourceLine(content: String(decoding: u[start...], as: UTF8.self), terminator: ""))
        }
        return result
    }

    static func isBlank<S: StringProtocol>(_ s: S) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }

    /// Leading whitespace width in columns (tab counted as 4) and where text starts.
    static func indentation(_ s: Substring) -> (columns: Int, textStart: String.Index) {
        var cols = 0
        var i = s.startIndex
        while i < s.endIndex, s[i] == " " || s[i] == "\t" {
            cols += s[i] == "\t" ? 4 : 1
            i = s.index(after: i)
        }
        return (cols, i)
    }

    /// Index after dropping at most `columns` columns of leading whitespace.
    static func dropIndent(_ s: Substring, columns: Int) -> String.Index {
        var cols = 0
        var i = s.startIndex
        while i < s.endIndex, s[i] == " " || s[i] == "\t" {
            let w = s[i] == "\t" ? 4 : 1
            if cols + w > columns { break }
            cols += w
            i = s.index(after: i)
        }
        return i
    }

    /// Blockquote markers at the start of a line: `>`, `> `, `> > `…
    static func splitQuote(_ line: String) -> (depth: Int, rest: Substring) {
        var rest = line[...]
        var depth = 0
        while true {
            let (cols, start) = indentation(rest)
            guard cols <= 3, start < rest.endIndex, rest[start] == ">" else { break }
            var i = rest.index(after: start)
            if i < rest.endIndex, rest[i] == " " || rest[i] == "\t" { i = rest.index(after: i) }
            rest = rest[i...]
            depth += 1
        }
        return (depth, rest)
    }

    /// `#`…`######` heading: level and content range (closing `#`s excluded).
    static func atxHeading(_ t: Substring) -> (level: Int, content: Range<String.Index>)? {
        let hashes = t.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return nil }
        var start = hashes.endIndex
        if start < t.endIndex, t[start] != " ", t[start] != "\t" { return nil }
        while start < t.endIndex, t[start] == " " || t[start] == "\t" { start = t.index(after: start) }
        var end = t.endIndex
        while end > start, t[t.index(before: end)] == " " || t[t.index(before: end)] == "\t" { end = t.index(before: end) }
        // Optional closing sequence: spaces then #s at the end.
        var h = end
        while h > start, t[t.index(before: h)] == "#" { h = t.index(before: h) }
        if h < end {
            if h == start { end = start } else if t[t.index(before: h)] == " " || t[t.index(before: h)] == "\t" {
                end = h
                while end > start, t[t.index(before: end)] == " " || t[t.index(before: end)] == "\t" { end = t.index(before: end) }
            }
        }
        return (hashes.count, start..<end)
    }

    /// Opening code fence: character and run length (backtick fences may not
    /// have a backtick in their info string).
    static func fenceOpen(_ t: Substring) -> (char: Character, count: Int)? {
        guard let c = t.first, c == "`" || c == "~" else { return nil }
        let run = t.prefix(while: { $0 == c }).count
        guard run >= 3 else { return nil }
        if c == "`", t.dropFirst(run).contains("`") { return nil }
        return (c, run)
    }

    static func isFenceClose(_ t: Substring, char: Character, count: Int) -> Bool {
        let run = t.prefix(while: { $0 == char }).count
        return run >= count && isBlank(t.dropFirst(run))
    }

    static func isThematicBreak(_ t: Substring) -> Bool {
        guard let c = t.first, c == "-" || c == "*" || c == "_" else { return false }
        var n = 0
        for ch in t {
            if ch == c { n += 1 } else if ch != " " && ch != "\t" { return false }
        }
        return n >= 3
    }

    static func setextLevel(_ t: Substring) -> Int? {
        guard let c = t.first, c == "=" || c == "-" else { return nil }
        let run = t.prefix(while: { $0 == c })
        guard isBlank(t[run.endIndex...]) else { return nil }
        return c == "=" ? 1 : 2
    }

    struct ListMarker {
        let marker: String
        let contentStart: String.Index
        let markerAndSpacesColumns: Int
        let isEmpty: Bool
        let orderedStart: Int?
        let isDefinition: Bool
    }

    /// `-`, `*`, `+`, `1.`, `1)` and pandoc's definition marker `:`.
    static func listMarker(_ t: Substring) -> ListMarker? {
        guard let c = t.first else { return nil }
        var markerEnd: String.Index
        var ordered: Int? = nil
        if c == "-" || c == "*" || c == "+" || c == ":" {
            markerEnd = t.index(after: t.startIndex)
        } else if c.isASCII, c.isNumber {
            let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
            guard digits.count <= 9, digits.endIndex < t.endIndex,
                  t[digits.endIndex] == "." || t[digits.endIndex] == ")" else { return nil }
            ordered = Int(digits)
            markerEnd = t.index(after: digits.endIndex)
        } else { return nil }
        let markerText = String(t[t.startIndex..<markerEnd])
        if markerEnd == t.endIndex {
            if c == ":" { return nil }
            return ListMarker(marker: markerText, contentStart: markerEnd, markerAndSpacesColumns: markerText.count + 1,
                              isEmpty: true, orderedStart: ordered, isDefinition: false)
        }
        guard t[markerEnd] == " " || t[markerEnd] == "\t" else { return nil }
        let (spaces, start) = indentation(t[markerEnd...])
        let empty = start == t.endIndex
        if c == ":" && (empty || t[start] == ":") { return nil }
        return ListMarker(marker: markerText, contentStart: start, markerAndSpacesColumns: markerText.count + (empty ? 1 : spaces),
                          isEmpty: empty, orderedStart: ordered, isDefinition: c == ":")
    }

    /// Kramdown IAL `{: .table }`, Liquid `{% … %}` / `{{ … }}` alone on a
    /// line, and pandoc fenced-div fences `:::`: kept verbatim.
    static func isTemplateLine(_ t: Substring) -> Bool {
        var s = t[...]
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        if s.hasPrefix(":::") { return true }
        return (s.hasPrefix("{:") && s.hasSuffix("}")) || (s.hasPrefix("{%") && s.hasSuffix("%}"))
            || (s.hasPrefix("{{") && s.hasSuffix("}}"))
    }

    /// `[label]: destination` — returns the label. Footnote definitions
    /// (`[^1]: text`) are prose, not link definitions.
    static func linkReferenceLabel(_ t: Substring) -> String? {
        guard t.first == "[", t.dropFirst().first != "^", let close = t.firstIndex(of: "]") else { return nil }
        let after = t[t.index(after: close)...]
        guard after.first == ":" else { return nil }
        guard !isBlank(after.dropFirst()) else { return nil }
        return normalizeLabel(t[t.index(after: t.startIndex)..<close])
    }

    static func normalizeLabel<S: StringProtocol>(_ s: S) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }
}
