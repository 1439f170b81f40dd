@_exported import GuichetDocumentModel

/// Structured documents (from PDF today, other formats later) enter the pipelines as Markdown:
/// the same segmenting, protection and chunking then apply to every input format. Page numbers
/// travel as HTML comments, which are kept in place and never sent to the model.
extension StructuredDocument {
    /// The document as Markdown, one block per structured block.
    public func markdown() -> String {
        var out: [String] = []
        var currentPage: Int?
        var previousWasList = false
        for block in blocks {
            if let p = block.blockPage, p != currentPage {
                out.append("<!-- page \(p) -->")
                currentPage = p
                previousWasList = false
            }
            var isList = false
            switch block {
            case .heading(let level, let text, _):
                out.append(String(repeating: "#", count: min(max(level, 1), 6)) + " " + Self.inline(text))
            case .paragraph(let text, _):
                out.append(Self.escapeBlockStart(Self.inline(text)))
            case .listItem(let text, let ordered, let level, _, _):
                let indent = String(repeating: " ", count: 4 * max(0, level))
                let line = indent + (ordered ? "1. " : "- ") + Self.inline(text)
                // Consecutive items form one list: no blank line between them.
                if previousWasList, let last = out.popLast() { out.append(last + "\n" + line) } else { out.append(line) }
                isList = true
            case .table(let rows, _, _):
                if let t = Self.table(rows) { out.append(t) }
            case .code(let text, _):
                let fence = String(repeating: "`", count: max(3, Self.longestRun(of: "`", in: text) + 1))
                out.append(fence + "\n" + text + "\n" + fence)
            case .pageBreak:
                break
            }
            previousWasList = isList
        }
        return out.joined(separator: "\n\n") + "\n"
    }

    /// One line, Markdown-significant characters at the start neutralised.
    static func inline(_ s: String) -> String {
        // Most texts have no line break: found from the bytes (\n \v \f \r, U+0085 as C2 85,
        // U+2028/2029 as E2 80 A8/A9) without walking the Characters.
        var mayBreak = false
        for b in s.utf8 where (0x0A...0x0D).contains(b) || b == 0x85 || b == 0xA8 || b == 0xA9 {
            mayBreak = true
            break
        }
        guard mayBreak else { return s }
        return s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func escapeBlockStart(_ s: String) -> String {
        guard let first = s.first else { return s }
        if "#>-+*|".contains(first) || s.hasPrefix("```") || s.hasPrefix("~~~") { return "\\" + s }
        // "2024. Rapport" must not become an ordered list.
        let digits = s.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 9 {
            let rest = s.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") {
                return digits + "\\" + rest
            }
        }
        return s
    }

    static func table(_ rows: [[String]]) -> String? {
        let width = rows.map(\.count).max() ?? 0
        guard width > 0, !rows.isEmpty else { return nil }
        func cell(_ s: String) -> String {
            let t = inline(s).replacingOccurrences(of: "|", with: "\\|").trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? " " : t
        }
        func line(_ r: [String]) -> String {
            "| " + (0..<width).map { cell($0 < r.count ? r[$0] : "") }.joined(separator: " | ") + " |"
        }
        var out = [line(rows[0]), "|" + Array(repeating: " --- |", count: width).joined()]
        out += rows.dropFirst().map(line)
        return out.joined(separator: "\n")
    }

    static func longestRun(of c: Character, in s: String) -> Int {
        var best = 0, cur = 0
        for ch in s {
            if ch == c { cur += 1; best = max(best, cur) } else { cur = 0 }
        }
        return best
    }
}
