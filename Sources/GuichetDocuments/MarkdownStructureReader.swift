import Foundation
import GuichetDocumentModel

/// Reads Markdown back into a ``StructuredDocument`` so that a result can be written as DOCX.
///
/// Covers what Guichet writes from structured inputs and the common Markdown of the corpus:
/// ATX and setext headings, paragraphs, nested lists, pipe tables, fenced and indented code,
/// block quotes, page markers (`<!-- page N -->`). Inline markup is reduced to text (emphasis
/// markers dropped, links as "text (url)") since the DOCX writer takes plain runs.
public enum MarkdownStructureReader {
    public static func read(_ markdown: String) -> StructuredDocument {
        var blocks: [StructuredDocument.Block] = []
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var i = 0
        var page: Int?
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty {
                blocks.append(.paragraph(text: inline(paragraph.joined(separator: " ")), page: page))
                paragraph = []
            }
        }
        // YAML front matter is metadata, not content.
        if lines.first == "---", let end = lines.dropFirst().firstIndex(where: { $0 == "---" || $0 == "..." }) {
            i = end + 1
        }
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flush(); i += 1; continue }
            if trimmed.hasPrefix("<!--") {
                flush()
                if let n = pageMarker(trimmed) { page = n }
                while i < lines.count && !lines[i].contains("-->") { i += 1 }
                i += 1
                continue
            }
            if let fence = fenceOpening(trimmed) {
                flush()
                var body: [String] = []
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                    body.append(lines[i])
                    i += 1
                }
                blocks.append(.code(text: body.joined(separator: "\n"), page: page))
                i += 1
                continue
            }
            if paragraph.isEmpty, line.hasPrefix("    ") || line.hasPrefix("\t"), listItem(line) == nil {
                var body: [String] = []
                while i < lines.count, lines[i].hasPrefix("    ") || lines[i].hasPrefix("\t") || lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                    body.append(lines[i].hasPrefix("\t") ? String(lines[i].dropFirst()) : String(lines[i].dropFirst(min(4, lines[i].count))))
                    i += 1
                }
                while body.last?.isEmpty == true { body.removeLast() }
                blocks.append(.code(text: body.joined(separator: "\n"), page: page))
                continue
            }
            if let (level, text) = heading(trimmed) {
                flush()
                blocks.append(.heading(level: level, text: inline(text), page: page))
                i += 1
                continue
            }
            if !paragraph.isEmpty, trimmed.allSatisfy({ $0 == "=" }) || (trimmed.count >= 2 && trimmed.allSatisfy({ $0 == "-" })) {
                let text = paragraph.joined(separator: " ")
                paragraph = []
                blocks.append(.heading(level: trimmed.first == "=" ? 1 : 2, text: inline(text), page: page))
                i += 1
                continue
            }
            if trimmed.hasPrefix("|"), i + 1 < lines.count, isDelimiterRow(lines[i + 1]) {
                flush()
                var rows = [cells(trimmed)]
                i += 2
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(cells(lines[i].trimmingCharacters(in: .whitespaces)))
                    i += 1
                }
                blocks.append(.table(rows: rows, header: true, page: page))
                continue
            }
            if let item = listItem(line) {
                flush()
                blocks.append(.listItem(text: inline(item.text), ordered: item.ordered, level: item.level, marker: item.marker, page: page))
                i += 1
                continue
            }
            if trimmed.hasPrefix(">") {
                paragraph.append(String(trimmed.drop(while: { $0 == ">" || $0 == " " })))
                i += 1
                continue
            }
            paragraph.append(trimmed.hasPrefix("\\") ? String(trimmed.dropFirst()) : trimmed)
            i += 1
        }
        flush()
        return StructuredDocument(blocks: blocks)
    }

    static func pageMarker(_ s: String) -> Int? {
        let inner = s.replacingOccurrences(of: "<!--", with: "").replacingOccurrences(of: "-->", with: "").trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("page ") else { return nil }
        return Int(inner.dropFirst(5).trimmingCharacters(in: .whitespaces))
    }

    static func fenceOpening(_ s: String) -> String? {
        for c in ["`", "~"] where s.hasPrefix(c + c + c) {
            return String(s.prefix(while: { String($0) == c }))
        }
        return nil
    }

    static func heading(_ s: String) -> (Int, String)? {
        let hashes = s.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = s.dropFirst(hashes)
        guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("#") { text = String(text.dropLast()).trimmingCharacters(in: .whitespaces) }
        return (hashes, text)
    }

    static func isDelimiterRow(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("|") && t.contains("-") && t.allSatisfy { "|-: ".contains($0) }
    }

    static func cells(_ s: String) -> [String] {
        var body = Substring(s)
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") && !body.hasSuffix("\\|") { body = body.dropLast() }
        var out: [String] = []
        var cur = ""
        var escaped = false
        for ch in body {
            if escaped { cur.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "|" { out.append(inline(cur.trimmingCharacters(in: .whitespaces))); cur = ""; continue }
            cur.append(ch)
        }
        out.append(inline(cur.trimmingCharacters(in: .whitespaces)))
        return out
    }

    static func listItem(_ line: String) -> (text: String, ordered: Bool, level: Int, marker: String)? {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).reduce(0) { $0 + ($1 == "\t" ? 4 : 1) }
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        if let m = t.first, "-*+".contains(m), t.dropFirst().hasPrefix(" ") {
            if t.allSatisfy({ $0 == m || $0 == " " }) && t.filter({ $0 == m }).count >= 3 { return nil }  // thematic break
            return (String(t.dropFirst(2)), false, level(indent), String(m))
        }
        let digits = t.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 9 {
            let rest = t.dropFirst(digits.count)
            if let d = rest.first, d == "." || d == ")", rest.dropFirst().hasPrefix(" ") {
                return (String(rest.dropFirst(2)), true, level(indent), String(digits) + String(d))
            }
        }
        return nil
    }

    /// Nesting depth from indentation: Guichet writes 4 spaces a level, other writers often 2.
    static func level(_ indent: Int) -> Int {
        Int((Double(indent) / 4).rounded())
    }

    /// Inline Markdown reduced to plain text.
    static func inline(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let ch = rest.first {
            if ch == "\\", let next = rest.dropFirst().first, "\\`*_{}[]()#+-.!|<>".contains(next) {
                out.append(next)
                rest = rest.dropFirst(2)
                continue
            }
            if ch == "!" || ch == "[", let link = parseLink(ch == "!" ? rest.dropFirst() : rest) {
                out += ch == "!" ? link.text : (link.url.isEmpty || link.url == link.text ? link.text : "\(link.text) (\(link.url))")
                rest = link.rest
                continue
            }
            if ch == "*" || ch == "_" || ch == "`" {
                // Emphasis and code markers carry no text.
                let run = rest.prefix(while: { $0 == ch })
                let before = out.last
                let after = rest.dropFirst(run.count).first
                if ch == "_" && (before?.isLetter == true || before?.isNumber == true) && (after?.isLetter == true || after?.isNumber == true) {
                    out += run  // snake_case stays
                }
                rest = rest.dropFirst(run.count)
                continue
            }
            out.append(ch)
            rest = rest.dropFirst()
        }
        return out.replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)
    }

    static func parseLink(_ s: Substring) -> (text: String, url: String, rest: Substring)? {
        guard s.first == "[", let close = s.firstIndex(of: "]") else { return nil }
        let text = s[s.index(after: s.startIndex)..<close]
        let after = s[s.index(after: close)...]
        guard after.first == "(", let end = after.firstIndex(of: ")") else { return nil }
        var url = after[after.index(after: after.startIndex)..<end].trimmingCharacters(in: .whitespaces)
        if let space = url.firstIndex(of: " ") { url = String(url[..<space]) }
        return (inline(String(text)), url, after[after.index(after: end)...])
    }
}
