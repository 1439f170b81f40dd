/// A word-level diff: tokens are words (letters and digits), whitespace runs, placeholders
/// (`⟦n⟧`) and single punctuation marks, compared with the standard library's Myers
/// difference. Provisional: the revisions writer brings the full version.
public enum WordDiff {
    public enum Edit: Sendable, Equatable {
        case same(String)
        case delete(String)
        case insert(String)
    }

    public static func tokens(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var kind = 0  // 1 word, 2 space
        var inPlaceholder = false
        for c in s {
            if inPlaceholder {
                cur.append(c)
                if c == "⟧" { out.append(cur); cur = ""; inPlaceholder = false; kind = 0 }
                continue
            }
            if c == "⟦" {
                if !cur.isEmpty { out.append(cur) }
                cur = String(c)
                inPlaceholder = true
                continue
            }
            let k = c.isLetter || c.isNumber ? 1 : (c.isWhitespace ? 2 : 3)
            if k == 3 {
                if !cur.isEmpty { out.append(cur); cur = "" }
                out.append(String(c))
                kind = 0
                continue
            }
            if k != kind, !cur.isEmpty { out.append(cur); cur = "" }
            cur.append(c)
            kind = k
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    public static func diff(_ old: String, _ new: String) -> [Edit] {
        let a = tokens(old), b = tokens(new)
        let d = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in d {
            switch change {
            case .remove(let o, _, _): removed.insert(o)
            case .insert(let o, _, _): inserted.insert(o)
            }
        }
        var edits: [Edit] = []
        func push(_ e: Edit) {
            switch (edits.last, e) {
            case (.same(let x)?, .same(let y)): edits[edits.count - 1] = .same(x + y)
            case (.delete(let x)?, .delete(let y)): edits[edits.count - 1] = .delete(x + y)
            case (.insert(let x)?, .insert(let y)): edits[edits.count - 1] = .insert(x + y)
            default: edits.append(e)
            }
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { push(.delete(a[i])); i += 1; continue }
            if j < b.count, inserted.contains(j) { push(.insert(b[j])); j += 1; continue }
            if i < a.count { push(.same(a[i])) }
            i += 1
            j += 1
        }
        return edits
    }

    /// Share of the old text's words deleted or replaced.
    public static func changedWordShare(_ old: String, _ new: String) -> Double {
        let words = tokens(old).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }.count
        guard words > 0 else { return 0 }
        var changed = 0
        for e in diff(old, new) {
            if case .delete(let s) = e { changed += tokens(s).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }.count }
        }
        return Double(changed) / Double(words)
    }
}
