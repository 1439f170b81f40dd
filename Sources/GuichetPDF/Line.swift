import Foundation

/// A word rebuilt from glyph boxes: poppler's own words can glue text from two table cells
/// together ("Alpha" + "dence"), so words are cut again wherever the geometry jumps.
struct Word {
    var text: String
    var x1: Double, y1: Double, x2: Double, y2: Double
    var size: Double
    var bold: Bool
    var mono: Bool
    var rtl: Bool
    var midY: Double { (y1 + y2) / 2 }
    var height: Double { max(y2 - y1, 0.1) }
}

/// Words on one baseline with no wide gap between them (a line of a column, or one table cell).
struct Segment {
    var words: [Word]
    var row: Int
    var column = 0  // -1: crosses a column gutter
    var x1: Double { words.map(\.x1).min() ?? 0 }
    var x2: Double { words.map(\.x2).max() ?? 0 }
    var y1: Double { words.map(\.y1).min() ?? 0 }
    var y2: Double { words.map(\.y2).max() ?? 0 }
    var text: String { words.map(\.text).joined(separator: " ") }
}

/// One visual line in reading order: the segments of a row that fall in the same column.
struct Line {
    var segments: [Segment]
    var page: Int
    var column: Int
    var text: String { segments.map(\.text).joined(separator: " ") }
    var x1: Double { segments.map(\.x1).min() ?? 0 }
    var x2: Double { segments.map(\.x2).max() ?? 0 }
    var y1: Double { segments.map(\.y1).min() ?? 0 }
    var y2: Double { segments.map(\.y2).max() ?? 0 }
    var words: [Word] { segments.flatMap(\.words) }
    /// Font size covering most characters (superscripts and bullets do not count).
    var size: Double { dominant(words.map { ($0.size, $0.text.count) }) ?? 0 }
    var bold: Bool { share(\.bold) > 0.6 }
    var mono: Bool { share(\.mono) > 0.6 }

    private func share(_ flag: KeyPath<Word, Bool>) -> Double {
        let all = words.reduce(0) { $0 + $1.text.count }
        let yes = words.filter { $0[keyPath: flag] }.reduce(0) { $0 + $1.text.count }
        return all == 0 ? 0 : Double(yes) / Double(all)
    }
}

/// Most frequent value weighted by counts, with sizes rounded to 0.5 pt so tiny differences
/// between font programs do not split the vote.
func dominant(_ values: [(Double, Int)]) -> Double? {
    var tally: [Double: Int] = [:]
    for (v, c) in values { tally[(v * 2).rounded() / 2, default: 0] += c }
    return tally.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
}
