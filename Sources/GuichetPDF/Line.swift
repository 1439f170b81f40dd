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
    /// `text.count` (characters), counted once: every weighted vote below uses it.
    var length: Int

    init(text: String, x1: Double, y1: Double, x2: Double, y2: Double, size: Double, bold: Bool, mono: Bool, rtl: Bool,
         length: Int? = nil) {
        self.text = text
        self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2
        self.size = size
        self.bold = bold
        self.mono = mono
        self.rtl = rtl
        self.length = length ?? text.count
    }

    var midY: Double { (y1 + y2) / 2 }
    var height: Double { max(y2 - y1, 0.1) }
}

/// Words on one baseline with no wide gap between them (a line of a column, or one table cell).
/// Extent and text are stored, and worked out again whenever `words` changes: sorting and the
/// block heuristics read them many times.
struct Segment {
    var words: [Word] { didSet { update() } }
    var row: Int
    var column = 0  // -1: crosses a column gutter
    private(set) var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
    /// Built on demand: lines join their words directly, and only table cells and header/footer
    /// candidates need a segment's own text.
    var text: String { words.count == 1 ? words[0].text : words.map(\.text).joined(separator: " ") }

    init(words: [Word], row: Int, column: Int = 0) {
        self.words = words
        self.row = row
        self.column = column
        update()
    }

    private mutating func update() {
        guard let f = words.first else { x1 = 0; x2 = 0; y1 = 0; y2 = 0; return }
        var a = f.x1, b = f.x2, c = f.y1, d = f.y2
        for w in words.dropFirst() {
            a = min(a, w.x1); b = max(b, w.x2); c = min(c, w.y1); d = max(d, w.y2)
        }
        x1 = a; x2 = b; y1 = c; y2 = d
    }
}

/// One visual line in reading order: the segments of a row that fall in the same column.
/// Like ``Segment``, its extent, text and font votes are stored and kept up to date.
struct Line {
    var segments: [Segment] { didSet { update() } }
    var page: Int
    var column: Int
    private(set) var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
    private(set) var text = ""
    /// Characters in ``text``: the words' lengths plus the spaces between them.
    private(set) var length = 0
    /// Font size covering most characters (superscripts and bullets do not count).
    private(set) var size = 0.0
    private(set) var bold = false
    private(set) var mono = false
    /// Words in right-to-left script are the majority.
    private(set) var mostlyRTL = false

    init(segments: [Segment], page: Int, column: Int) {
        self.segments = segments
        self.page = page
        self.column = column
        update()
    }

    var words: [Word] { segments.flatMap(\.words) }

    private mutating func update() {
        guard let f = segments.first else {
            x1 = 0; x2 = 0; y1 = 0; y2 = 0; text = ""; length = 0; size = 0; bold = false; mono = false; mostlyRTL = false
            return
        }
        var a = f.x1, b = f.x2, c = f.y1, d = f.y2
        for s in segments.dropFirst() {
            a = min(a, s.x1); b = max(b, s.x2); c = min(c, s.y1); d = max(d, s.y2)
        }
        x1 = a; x2 = b; y1 = c; y2 = d
        // The segments' texts joined by spaces, built in one go from the words.
        var t = ""
        var first = true
        for s in segments {
            for w in s.words {
                if !first { t.append(" ") }
                t.append(w.text)
                first = false
            }
        }
        text = t
        length = 0
        var tally = SizeTally()
        var all = 0, boldChars = 0, monoChars = 0, words = 0, rtlWords = 0
        for s in segments {
            for w in s.words {
                tally.add(w.size, w.length)
                all += w.length
                if w.bold { boldChars += w.length }
                if w.mono { monoChars += w.length }
                words += 1
                if w.rtl { rtlWords += 1 }
            }
        }
        length = all + max(0, words - 1)
        size = tally.dominant ?? 0
        bold = all > 0 && Double(boldChars) / Double(all) > 0.6
        mono = all > 0 && Double(monoChars) / Double(all) > 0.6
        mostlyRTL = rtlWords * 2 > words
    }
}

/// Most frequent value weighted by counts, with sizes rounded to 0.5 pt so tiny differences
/// between font programs do not split the vote.
func dominant(_ values: [(Double, Int)]) -> Double? {
    var tally = SizeTally()
    for (v, c) in values { tally.add(v, c) }
    return tally.dominant
}

/// The vote behind ``dominant(_:)``, without a dictionary while there is one size only (the
/// usual case for a word or a line).
struct SizeTally {
    private var single: Double? = nil
    private var singleCount = 0
    private var many: [Double: Int]? = nil

    private var lastValue = Double.nan

    mutating func add(_ value: Double, _ count: Int) {
        // Most votes repeat the previous value: skip the rounding then.
        if many == nil, value == lastValue { singleCount += count; return }
        let key = (value * 2).rounded() / 2
        if many == nil {
            lastValue = value
            if single == nil || single == key { single = key; singleCount += count; return }
            many = [single!: singleCount]
        }
        many![key, default: 0] += count
    }

    /// Highest count; on a tie, the smaller size.
    var dominant: Double? {
        if let many {
            return many.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        }
        return single
    }
}
