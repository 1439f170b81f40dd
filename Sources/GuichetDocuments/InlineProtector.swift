/// Replaces inline spans the model must not touch with `⟦n⟧` placeholders:
/// code spans, link/image destinations (`](url "title")`), reference-link
/// labels (`][id]`), known shortcut references, autolinks, bare URLs, inline
/// HTML, Liquid `{{ }}`/`{% %}`, attribute blocks `{#id .class}`, footnote
/// references `[^1]`, and pre-existing `⟦n⟧` text (so restoring is exact).
/// Link text and image alt text stay translatable; emphasis markers stay.
///
/// Invariant: substituting the originals back yields the input exactly.
/// Forward scans are bounded (`lookahead`) so unmatched brackets or
/// backticks cannot make the cost quadratic on large paragraphs.
struct InlineProtector {
    let labels: Set<String>
    /// Plain text has no markup: only bare URLs and `⟦n⟧` look-alikes are protected.
    var markdown = true
    private let lookahead = 2_000

    struct Output {
        var text: String
        var originals: [String]
    }

    func protect(_ input: String) -> Output {
        let c = Array(input)
        let n = c.count
        var out = ""
        var originals: [String] = []
        var pending: [Int: Int] = [:]  // "]" position -> end of the protected tail
        var i = 0
        func emit(_ from: Int, _ to: Int) {
            originals.append(String(c[from..<to]))
            out += "⟦\(originals.count)⟧"
        }
        while i < n {
            if let end = pending[i] { emit(i, end); i = end; continue }
            let ch = c[i]
            switch markdown || ch == "⟦" || ch == "h" || ch == "f" || ch == "m" || ch == "w" ? ch : " " {
            case "\\":
                out.append(ch)
                if i + 1 < n { out.append(c[i + 1]) }
                i += 2
                continue
            case "`":
                let run = runLength(c, i, "`")
                if let close = closingBackticks(c, from: i + run, run: run) { emit(i, close + run); i = close + run } else {
                    out += String(repeating: "`", count: run); i += run
                }
                continue
            case "<":
                if let end = htmlOrAutolinkEnd(c, i) { emit(i, end); i = end; continue }
            case "{":
                if let end = braceSpanEnd(c, i) { emit(i, end); i = end; continue }
            case "⟦":
                if let end = placeholderEnd(c, i) { emit(i, end); i = end; continue }
            case "[", "!":
                let open = ch == "!" ? i + 1 : i
                guard open < n, c[open] == "[" else { break }
                if open + 1 < n, c[open + 1] == "^", let close = find(c, "]", from: open + 2, stopAtNewline: true) {
                    emit(i, close + 1); i = close + 1; continue  // footnote reference
                }
                guard let close = matchingBracket(c, open) else { break }
                if let tail = linkTailEnd(c, close + 1) {
                    pending[close] = tail
                } else if ch == "[", close + 1 < n ? c[close + 1] != ":" : true,
                          labels.contains(MarkdownSyntax.normalizeLabel(String(c[(open + 1)..<close]))) {
                    emit(i, close + 1); i = close + 1; continue  // shortcut reference to a known label
                }
                out += String(c[i...open]); i = open + 1
                continue
            case "h", "f", "m", "w":
                if i == 0 || !(c[i - 1].isLetter || c[i - 1].isNumber), let end = bareURLEnd(c, i) {
                    emit(i, end); i = end; continue
                }
            default: break
            }
            out.append(ch)
            i += 1
        }
        return Output(text: out, originals: originals)
    }

    private func runLength(_ c: [Character], _ i: Int, _ ch: Character) -> Int {
        var k = i
        while k < c.count, c[k] == ch { k += 1 }
        return k - i
    }

    private func closingBackticks(_ c: [Character], from: Int, run: Int) -> Int? {
        var k = from
        let limit = min(c.count, from + lookahead)
        while k < limit {
            if c[k] == "`" {
                let r = runLength(c, k, "`")
                if r == run { return k }
                k += r
            } else { k += 1 }
        }
        return nil
    }

    private func find(_ c: [Character], _ ch: Character, from: Int, stopAtNewline: Bool) -> Int? {
        var k = from
        let limit = min(c.count, from + lookahead)
        while k < limit {
            if c[k] == ch { return k }
            if stopAtNewline, c[k] == "\n" { return nil }
            k += 1
        }
        return nil
    }

    /// `]` matching the `[` at `open`, honouring nesting, escapes and code spans.
    private func matchingBracket(_ c: [Character], _ open: Int) -> Int? {
        var depth = 0
        var k = open
        let limit = min(c.count, open + lookahead)
        while k < limit {
            switch c[k] {
            case "\\": k += 1
            case "`":
                let r = runLength(c, k, "`")
                if let close = closingBackticks(c, from: k + r, run: r) { k = close + r - 1 } else { k += r - 1 }
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { return k }
            default: break
            }
            k += 1
        }
        return nil
    }

    /// End of `(destination "title")`, `[label]`/`[]` or `{attrs}` after a `]`.
    private func linkTailEnd(_ c: [Character], _ k: Int) -> Int? {
        guard k < c.count else { return nil }
        switch c[k] {
        case "(":
            var depth = 0
            var j = k
            var quote: Character? = nil
            let limit = min(c.count, k + lookahead)
            while j < limit {
                let x = c[j]
                if let q = quote {
                    if x == q { quote = nil }
                } else if x == "\\" { j += 1 } else if x == "\"" && j > k + 1 && c[j - 1] == " " { quote = x } else if x == "(" {
                    depth += 1
                } else if x == ")" {
                    depth -= 1
                    if depth == 0 { return j + 1 }
                } else if x == "\n" && j > k && c[j - 1] == "\n" { return nil }
                j += 1
            }
            return nil
        case "[":
            return find(c, "]", from: k + 1, stopAtNewline: false).map { $0 + 1 }
        case "{":
            return find(c, "}", from: k + 1, stopAtNewline: true).map { $0 + 1 }
        default:
            return nil
        }
    }

    private func htmlOrAutolinkEnd(_ c: [Character], _ i: Int) -> Int? {
        let n = c.count
        guard i + 1 < n else { return nil }
        if c[i + 1] == "!" {  // comment or declaration
            if i + 3 < n, c[i + 2] == "-", c[i + 3] == "-" {
                var k = i + 4
                while k + 2 < min(n, i + lookahead) {
                    if c[k] == "-", c[k + 1] == "-", c[k + 2] == ">" { return k + 3 }
                    k += 1
                }
            }
            return nil
        }
        var k = i + 1
        if c[k] == "/" { k += 1 }
        guard k < n, c[k].isASCII, c[k].isLetter else { return nil }
        // Autolink: <scheme:…> or <user@host>
        var j = k
        while j < n, c[j].isASCII, c[j].isLetter || c[j].isNumber || "+.-".contains(c[j]) { j += 1 }
        if j < n, c[j] == ":" || c[j] == "@", k == i + 1 {
            var e = j + 1
            while e < n, c[e] != ">", c[e] != "<", c[e] != " ", c[e] != "\n" { e += 1 }
            if e < n, c[e] == ">", e > j + 1 { return e + 1 }
        }
        // Tag: name, then attributes up to '>' (quotes honoured, no '<').
        var e = k
        while e < n, c[e].isASCII, c[e].isLetter || c[e].isNumber || c[e] == "-" { e += 1 }
        guard e < n, c[e] == ">" || c[e] == " " || c[e] == "/" || c[e] == "\n" || c[e] == "\t" else { return nil }
        var quote: Character? = nil
        let limit = min(n, i + lookahead)
        while e < limit {
            let x = c[e]
            if let q = quote { if x == q { quote = nil } } else if x == "\"" || x == "'" { quote = x } else if x == "<" {
                return nil
            } else if x == ">" { return e + 1 }
            e += 1
        }
        return nil
    }

    /// `{{ … }}`, `{% … %}` and attribute blocks `{#id}`, `{.class}`, `{: …}`, `{- …}`.
    private func braceSpanEnd(_ c: [Character], _ i: Int) -> Int? {
        guard i + 1 < c.count else { return nil }
        switch c[i + 1] {
        case "{":
            var k = i + 2
            while k + 1 < min(c.count, i + lookahead) { if c[k] == "}", c[k + 1] == "}" { return k + 2 }; k += 1 }
        case "%":
            var k = i + 2
            while k + 1 < min(c.count, i + lookahead) { if c[k] == "%", c[k + 1] == "}" { return k + 2 }; k += 1 }
        case "#", ".", ":", "-", "=":
            return find(c, "}", from: i + 2, stopAtNewline: true).map { $0 + 1 }
        default: break
        }
        return nil
    }

    private func placeholderEnd(_ c: [Character], _ i: Int) -> Int? {
        var k = i + 1
        while k < c.count, c[k].isASCII, c[k].isNumber { k += 1 }
        return k > i + 1 && k < c.count && c[k] == "⟧" ? k + 1 : nil
    }

    /// Bare `http(s)://`, `ftp://`, `mailto:` or `www.` URL; trailing
    /// punctuation and unbalanced `)` are left out, like GFM autolinks.
    private func bareURLEnd(_ c: [Character], _ i: Int) -> Int? {
        let schemes = ["https://", "http://", "ftp://", "mailto:", "www."]
        guard let scheme = schemes.first(where: { s in
            i + s.count < c.count && String(c[i..<(i + s.count)]).lowercased() == s
        }) else { return nil }
        var e = i + scheme.count
        while e < c.count, !c[e].isWhitespace, !"<>\"`⟦".contains(c[e]) { e += 1 }
        while e > i + scheme.count {
            let last = c[e - 1]
            if ".,:;!?'*_~".contains(last) { e -= 1; continue }
            if last == ")" {
                let opens = c[i..<e].filter { $0 == "(" }.count
                let closes = c[i..<e].filter { $0 == ")" }.count
                if closes > opens { e -= 1; continue }
            }
            break
        }
        return e > i + scheme.count ? e : nil
    }
}
