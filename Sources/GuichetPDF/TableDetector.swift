import GuichetDocumentModel

/// Rebuilds tables from aligned columns: consecutive lines whose segments fall into the same
/// (at least two) x-ranges. Produces rows of cells instead of poppler's column-by-column soup.
struct TableDetector {
    var joiner: Dehyphenator

    /// If a table starts at `lines[start]`, returns it and the index of the first line after it.
    func detect(_ lines: [Line], from start: Int) -> (StructuredDocument.Block, Int)? {
        let first = lines[start]
        guard first.segments.count >= 2 else { return nil }
        var run = [first]
        var j = start + 1
        while j < lines.count {
            let l = lines[j], prev = run[run.count - 1]
            let em = max(prev.size, 1)
            guard l.page == first.page, l.column == first.column, l.y1 - prev.y2 <= 2.2 * em,
                  l.y1 - prev.y2 >= -0.5 * em, l.size <= prev.size * 1.15 + 0.5 else { break }
            if l.segments.count < 2 {
                // A single segment is a wrapped cell only if it fits inside one column so far.
                let cols = columns(of: run)
                guard cols.contains(where: { l.x1 >= $0.lowerBound - 3 && l.x2 <= $0.upperBound + 3 })
                        || (cols.count >= 2 && l.x1 >= cols[1].lowerBound - 3 && l.x2 - l.x1 < 0.5 * (cols.last!.upperBound - cols[0].lowerBound))
                else { break }
            }
            run.append(l)
            j += 1
        }
        // Trailing single lines stay only if they sit inside one column, right under the table.
        while let last = run.last, last.segments.count < 2, run.count > 1 {
            let cols = columns(of: run)
            let fits = cols.contains { last.x1 >= $0.lowerBound - 3 && last.x2 <= $0.upperBound + 3 }
            if fits && last.y1 - run[run.count - 2].y2 < 0.5 * max(last.size, 1) { break }
            run.removeLast(); j -= 1
        }
        let multi = run.filter { $0.segments.count >= 2 }
        guard multi.count >= 2 else { return nil }
        let cols = columns(of: run)
        guard cols.count >= 2 else { return nil }

        var rows: [[String]] = []
        var current: [String]? = nil
        var prevBottom = -Double.infinity
        for l in run {
            let gap = l.y1 - prevBottom
            // Row pitch often equals line pitch in ruled tables, so a new row is also recognised by
            // text in the first column when the first cell above is not a hyphenated word going on.
            let hasFirst = l.segments.contains { $0.x1 <= cols[0].upperBound + 1 }
            let firstAbove = current?[0] ?? ""
            let newRow = current == nil || (l.segments.count >= 2 && gap > 0.45 * max(l.size, 1))
                || (hasFirst && !firstAbove.isEmpty && !firstAbove.hasSuffix("-"))
            if newRow {
                if let c = current { rows.append(c) }
                current = Array(repeating: "", count: cols.count)
            }
            for s in l.segments {
                let k = cols.firstIndex { s.x1 <= $0.upperBound + 1 && s.x2 >= $0.lowerBound - 1 } ?? cols.count - 1
                current![k] = current![k].isEmpty ? s.text : joiner.join(current![k], s.text)
            }
            prevBottom = l.y2
        }
        if let c = current { rows.append(c) }
        let header = multi[0].bold && !(multi.count > 1 && multi[1].bold)
        return (.table(rows: rows, header: header, page: first.page), j)
    }

    /// Column x-ranges: union of overlapping segment extents of the multi-segment lines.
    func columns(of run: [Line]) -> [ClosedRange<Double>] {
        let spans = run.filter { $0.segments.count >= 2 }.flatMap(\.segments).map { $0.x1...$0.x2 }
            .sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Double>] = []
        for s in spans {
            if let last = merged.last, s.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, s.upperBound)
            } else { merged.append(s) }
        }
        return merged
    }
}
