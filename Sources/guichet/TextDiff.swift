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

    /// Two columns, each line wrapped to the column width; lines are paired in order, which
    /// lines up structure-keeping results (one output line per source line).
    static func sideBySide(_ a: String, _ b: String, width: Int, left: String, right: String) -> String {
        let col = max(20, (width - 3) / 2)
        let la = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lb = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out = [pad(left, col) + " │ " + right, String(repeating: "─", count: col) + "─┼─" + String(repeating: "─", count: col)]
        for k in 0..<max(la.count, lb.count) {
            let wa = wrap(k < la.count ? la[k] : "", col)
            let wb = wrap(k < lb.count ? lb[k] : "", col)
            for r in 0..<max(wa.count, wb.count) {
                out.append(pad(r < wa.count ? wa[r] : "", col) + " │ " + (r < wb.count ? wb[r] : ""))
            }
        }
        return out.joined(separator: "\n")
    }

    static func wrap(_ s: String, _ w: Int) -> [String] {
        guard s.count > w else { return [s] }
        var out: [String] = []
        var rest = Substring(s)
        while rest.count > w {
            out.append(String(rest.prefix(w)))
            rest = rest.dropFirst(w)
        }
        out.append(String(rest))
        return out
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count)
    }
}
