import Foundation

/// Terminal renderings of source against result for `guichet review show`.
enum TextDiff {
    /// A line diff (`-` source, `+` result) from the standard library's Myers difference.
    static func unified(_ a: String, _ b: String) -> String {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lb = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let diff = lb.difference(from: la)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let o, _, _): removed.insert(o)
            case .insert(let o, _, _): inserted.insert(o)
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < la.count || j < lb.count {
            if i < la.count, removed.contains(i) { out.append("- " + la[i]); i += 1; continue }
            if j < lb.count, inserted.contains(j) { out.append("+ " + lb[j]); j += 1; continue }
            if i < la.count { out.append("  " + la[i]) }
            i += 1
            j += 1
        }
        return out.joined(separator: "\n")
    }

    /// Two columns, paired block by block (blocks are separated by blank lines), each block
    /// wrapped to the column width: structure-keeping results have one block per source
    /// block, so a paragraph faces its translation even when the lines are cut differently.
    static func sideBySide(_ a: String, _ b: String, width: Int, left: String, right: String) -> String {
        let col = max(20, (width - 3) / 2)
        let ba = blocks(a), bb = blocks(b)
        var out = [pad(left, col) + " │ " + right, String(repeating: "─", count: col) + "─┼─" + String(repeating: "─", count: col)]
        for k in 0..<max(ba.count, bb.count) {
            if k > 0 { out.append(pad("", col) + " │ ") }
            let wa = k < ba.count ? ba[k].flatMap { wrap($0, col) } : []
            let wb = k < bb.count ? bb[k].flatMap { wrap($0, col) } : []
            for r in 0..<max(wa.count, wb.count) {
                out.append(pad(r < wa.count ? wa[r] : "", col) + " │ " + (r < wb.count ? wb[r] : ""))
            }
        }
        return out.joined(separator: "\n")
    }

    /// Lines grouped into blocks at blank lines.
    static func blocks(_ s: String) -> [[String]] {
        var out: [[String]] = []
        var cur: [String] = []
        for line in s.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !cur.isEmpty { out.append(cur); cur = [] }
            } else {
                cur.append(String(line))
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Wraps at word boundaries when it can.
    static func wrap(_ s: String, _ w: Int) -> [String] {
        guard s.count > w else { return [s] }
        var out: [String] = []
        var rest = Substring(s)
        while rest.count > w {
            let head = rest.prefix(w)
            let cut = head.lastIndex(of: " ").map { rest.index(after: $0) } ?? head.endIndex
            let piece = rest[..<cut]
            out.append(String(piece.isEmpty ? head : piece))
            rest = rest[(piece.isEmpty ? head.endIndex : cut)...]
        }
        if !rest.isEmpty { out.append(String(rest)) }
        return out
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count)
    }
}
