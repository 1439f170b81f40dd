/// Groups segments into model requests under a token budget.
///
/// - Cuts only between segments, preferring to cut before a heading once the
///   chunk is half full, and never leaving a heading alone at a chunk's end.
/// - Keeps all cells of a table in one chunk; a table larger than the budget
///   alone is cut between rows (each part re-emitted with a header row).
/// - A segment larger than the budget is split at sentence boundaries, then
///   at word boundaries, into parts with `SegmentPartID`s; `render` joins the
///   parts back with one space.
/// Documented budget overruns: a single table row, or a single word, larger
/// than the budget is sent alone in an over-budget chunk.
public struct Chunker: Sendable {
    public let tokenBudget: Int

    public init(tokenBudget: Int) {
        self.tokenBudget = max(1, tokenBudget)
    }

    /// Conservative token estimate: UTF-8 bytes / 3, rounded up. Common BPE
    /// tokenizers average more bytes per token than that on Latin-script
    /// prose, so the estimate errs on the side of smaller chunks.
    public static func estimateTokens(_ s: String) -> Int {
        (s.utf8.count + 2) / 3
    }

    struct Unit {
        var items: [(id: Int, text: String)]
        var cost: Int
        var isHeading: Bool
    }

    /// Splits `document` into chunks covering, exactly once and in order,
    /// every segment that `hasTranslatableText` (the others keep their source).
    public func chunks(for document: TextDocument) -> [Chunk] {
        var result: [Chunk] = []
        var current: [Unit] = []
        var cost = 0
        func emit() {
            guard !current.isEmpty else { return }
            let items = current.flatMap(\.items)
            let text = ChunkWriter.fragment(items, in: document)
            result.append(Chunk(index: result.count, segmentIDs: items.map(\.id), text: text,
                                estimatedTokens: Chunker.estimateTokens(text)))
            current = []
            cost = 0
        }
        for unit in units(for: document) {
            let preferBreak = unit.isHeading && cost >= tokenBudget / 2
            if !current.isEmpty, cost + unit.cost > tokenBudget || preferBreak {
                var carry: Unit? = nil
                if !preferBreak, current.count > 1, let last = current.last, last.isHeading,
                   last.cost + unit.cost <= tokenBudget {
                    carry = current.removeLast()  // keep a heading with the text it introduces
                }
                emit()
                if let carry { current = [carry]; cost = carry.cost }
            }
            current.append(unit)
            cost += unit.cost
        }
        emit()
        return result
    }

    /// Cost of a block once placed in a chunk (with its blank-line separator).
    /// Unit costs add up to at least the chunk's real estimate.
    private func cost(_ block: String) -> Int { Chunker.estimateTokens(block + "\n\n") }

    func units(for document: TextDocument) -> [Unit] {
        var units: [Unit] = []
        let segments = document.segments
        var idx = 0
        while idx < segments.count {
            let style = document.slots[idx].style
            if case .tableCell(let table, _, _) = style {
                var end = idx
                var cells: [(row: Int, column: Int, text: String)] = []
                var ids: [Int] = []
                while end < segments.count, case .tableCell(let t, let row, let column) = document.slots[end].style, t == table {
                    if segments[end].hasTranslatableText {
                        cells.append((row, column, segments[end].text))
                        ids.append(end)
                    }
                    end += 1
                }
                idx = end
                guard !cells.isEmpty else { continue }
                let whole = ChunkWriter.table(cells)
                if cost(whole) <= tokenBudget {
                    units.append(Unit(items: ids.map { ($0, segments[$0].text) }, cost: cost(whole), isHeading: false))
                } else {
                    units += rowUnits(ids: ids, cells: cells)
                }
                continue
            }
            let text = segments[idx].text
            guard segments[idx].hasTranslatableText else { idx += 1; continue }
            let block = ChunkWriter.block(style, text, format: document.format)
            let isHeading = if case .heading = style.kind { true } else { false }
            if cost(block) <= tokenBudget {
                units.append(Unit(items: [(idx, text)], cost: cost(block), isHeading: isHeading))
            } else {
                let parts = SegmentSplitter.split(text, style: style, format: document.format, budget: tokenBudget)
                for (n, part) in parts.enumerated() {
                    let id = parts.count == 1 ? idx : SegmentPartID.make(parent: idx, index: n, count: parts.count)
                    units.append(Unit(items: [(id, part)], cost: cost(ChunkWriter.block(style, part, format: document.format)),
                                      isHeading: isHeading))
                }
            }
            idx += 1
        }
        return units
    }

    /// One unit per table row, costed with the full table width and a
    /// delimiter row, so merged rows never exceed the sum of their costs.
    private func rowUnits(ids: [Int], cells: [(row: Int, column: Int, text: String)]) -> [Unit] {
        let width = (cells.map(\.column).max() ?? 0)
        var units: [Unit] = []
        var k = 0
        while k < cells.count {
            var j = k
            while j < cells.count, cells[j].row == cells[k].row { j += 1 }
            var rowCells = Array(cells[k..<j])
            if rowCells.last!.column < width { rowCells.append((cells[k].row, width, "")) }
            let text = ChunkWriter.table(rowCells)
            units.append(Unit(items: (k..<j).map { (ids[$0], cells[$0].text) }, cost: cost(text), isHeading: false))
            k = j
        }
        return units
    }
}
