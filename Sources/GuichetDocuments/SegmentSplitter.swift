/// Splits one over-budget segment text into parts: at sentence ends first,
/// then at spaces. Whitespace at a cut is dropped (parts are re-joined with
/// one space). Every part is checked to re-parse as the same kind of block
/// with the same text (a part starting with `1. ` or `# ` would not), and
/// merged with its neighbour otherwise.
enum SegmentSplitter {
    static func split(_ text: String, style: EmitStyle, format: DocumentFormat, budget: Int) -> [String] {
        let c = Array(text)
        let n = c.count
        // Prefix sums of UTF-8 bytes and newlines make each "does it fit" test O(1).
        var bytes = [Int](repeating: 0, count: n + 1)
        var newlines = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            bytes[i + 1] = bytes[i] + c[i].utf8.count
            newlines[i + 1] = newlines[i] + (c[i] == "\n" ? 1 : 0)
        }
        let overhead = ChunkWriter.block(style, "", format: format).utf8.count + 2
        let perLine: Int
        switch style {
        case .quote: perLine = 2
        case .listItem(let marker): perLine = marker.count + 1
        default: perLine = 0
        }
        func fits(_ lo: Int, _ hi: Int) -> Bool {
            let size = bytes[hi] - bytes[lo] + overhead + (newlines[hi] - newlines[lo]) * perLine
            return (size + 2) / 3 <= budget
        }
        // Whitespace runs: (start, end, follows a sentence end).
        var cuts: [(lo: Int, hi: Int, sentence: Bool)] = []
        var i = 0
        while i < n {
            if c[i].isWhitespace {
                var j = i
                while j < n, c[j].isWhitespace { j += 1 }
                var p = i - 1
                while p > 0, "»\"')]”’*_".contains(c[p]) { p -= 1 }
                let sentence = p >= 0 && ".!?…:;".contains(c[p])
                if i > 0, j < n { cuts.append((i, j, sentence)) }
                i = j
            } else { i += 1 }
        }
        var ranges: [Range<Int>] = []
        var start = 0
        var cutIndex = 0
        while start < n {
            if fits(start, n) { ranges.append(start..<n); break }
            while cutIndex < cuts.count, cuts[cutIndex].lo <= start { cutIndex += 1 }
            var bestSentence: Int? = nil, bestWord: Int? = nil
            var k = cutIndex
            while k < cuts.count, fits(start, cuts[k].lo) {
                if cuts[k].sentence { bestSentence = k }
                bestWord = k
                k += 1
            }
            // An unbreakable word longer than the budget goes alone (documented overrun).
            guard let chosen = bestSentence ?? bestWord ?? (cutIndex < cuts.count ? cutIndex : nil) else {
                ranges.append(start..<n); break
            }
            ranges.append(start..<cuts[chosen].lo)
            start = cuts[chosen].hi
        }
        // Part IDs hold at most 1023 parts.
        while ranges.count > 1023 {
            let last = ranges.removeLast()
            ranges[ranges.count - 1] = ranges[ranges.count - 1].lowerBound..<last.upperBound
        }
        func valid(_ r: Range<Int>) -> Bool {
            let part = String(c[r])
            let parsed = ChunkWriter.parseFragment(ChunkWriter.block(style, part, format: format), format: format)
            return parsed.count == 1 && parsed[0].kind == style.kind && parsed[0].text == part
        }
        var checked: [Range<Int>] = []
        for r in ranges {
            if !valid(r), let previous = checked.popLast() {
                checked.append(previous.lowerBound..<r.upperBound)
            } else {
                checked.append(r)
            }
            while checked.count > 1, !valid(checked[checked.count - 1]) {
                let last = checked.removeLast()
                checked[checked.count - 1] = checked[checked.count - 1].lowerBound..<last.upperBound
            }
        }
        while checked.count > 1, !valid(checked[0]) {
            let second = checked.remove(at: 1)
            checked[0] = checked[0].lowerBound..<second.upperBound
        }
        return checked.map { String(c[$0]) }
    }
}
