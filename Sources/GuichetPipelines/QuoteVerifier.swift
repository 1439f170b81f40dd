/// Checks that a quote really occurs in the source, ignoring differences of whitespace, case,
/// apostrophes (’ and '), quotation marks, dashes and Markdown emphasis, and tells where it
/// was found (the page marker and the heading before it).
struct QuoteVerifier: Sendable {
    struct Location: Sendable, Equatable {
        var page: Int?
        var heading: String?
    }

    /// The normalised source, and for each of its characters the line it came from.
    let normalized: [Character]
    let lineOfCharacter: [Int]
    let pageOfLine: [Int?]
    let headingOfLine: [String?]

    init(source: String) {
        var chars: [Character] = []
        var lines: [Int] = []
        var pages: [Int?] = []
        var headings: [String?] = []
        var page: Int?
        var heading: String?
        for (n, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("<!-- page "), let p = Int(t.dropFirst(10).prefix(while: \.isNumber)) { page = p }
            if t.hasPrefix("#") { heading = String(t.drop(while: { $0 == "#" })).trimmingCharacters(in: .whitespaces) }
            pages.append(page)
            headings.append(heading)
            for c in Self.normalize(String(line) + "\n") {
                if c == " ", chars.last == " " || chars.isEmpty { continue }
                chars.append(c)
                lines.append(n)
            }
        }
        normalized = chars
        lineOfCharacter = lines
        pageOfLine = pages
        headingOfLine = headings
    }

    /// Where the quote is, or nil when it is not in the source. An ellipsis in the quote
    /// (`…`, `...`) stands for omitted words: each part must occur, in order.
    func locate(_ quote: String) -> Location? {
        var parts = quote.replacingOccurrences(of: "...", with: "…").split(separator: "…").map { Self.compact(Self.normalize(String($0))) }
        parts = parts.filter { !$0.isEmpty }
        guard !parts.isEmpty, parts.reduce(0, { $0 + $1.count }) >= 3 else { return nil }
        var from = 0
        var first: Int?
        for part in parts {
            guard let at = find(part, from: from) else { return nil }
            first = first ?? at
            from = at + part.count
        }
        let line = lineOfCharacter[first!]
        return Location(page: pageOfLine[line], heading: headingOfLine[line])
    }

    func find(_ needle: [Character], from: Int) -> Int? {
        guard needle.count <= normalized.count - from, let head = needle.first else { return nil }
        var i = from
        while i + needle.count <= normalized.count {
            if normalized[i] == head, Array(normalized[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    static func compact(_ chars: [Character]) -> [Character] {
        var out: [Character] = []
        for c in chars {
            if c == " ", out.last == " " || out.isEmpty { continue }
            out.append(c)
        }
        while out.last == " " { out.removeLast() }
        // Quotation marks and final punctuation the model wraps a quote in are not evidence.
        while let f = out.first, "\"'.,;:".contains(f) || f == " " { out.removeFirst() }
        while let l = out.last, "\"'.,;:".contains(l) || l == " " { out.removeLast() }
        return out
    }

    static func normalize(_ s: String) -> [Character] {
        var out: [Character] = []
        var placeholder = false
        for c in s.lowercased() {
            if c == "⟦" { placeholder = true; continue }
            if placeholder { if c == "⟧" { placeholder = false }; continue }
            switch c {
            case "’", "‘", "`", "´", "ʼ": out.append("'")
            case "“", "”", "«", "»", "„": out.append("\"")
            case "–", "—", "‐", "‑": out.append("-")
            case "*", "_", "\\": continue
            default:
                if c.isWhitespace || c == "\u{00A0}" || c == "\u{202F}" { out.append(" ") } else { out.append(c) }
            }
        }
        return out
    }
}
