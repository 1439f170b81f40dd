import Foundation

/// Geometry of one page: glyphs → words → rows → segments, column gutters, reading order.
enum PageLayout {
    @inline(__always)
    static func isRTL(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x0590...0x08FF).contains(v) || (0xFB1D...0xFDFF).contains(v) || (0xFE70...0xFEFF).contains(v)
    }

    /// Non-breaking spaces are part of French typography (« texte », 12 %): they stay inside
    /// words so the text keeps them.
    @inline(__always)
    static func isBreakingSpace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v <= 0x20 }  // controls and space (ASCII whitespace is within)
        if v == 0x00A0 || v == 0x202F || v == 0x2007 { return false }
        return isWhitespace(s)
    }

    /// Unicode's White_Space property (a fixed list), without the property lookup that
    /// `Unicode.Scalar.Properties` makes for every non-ASCII character.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (0x09...0x0D).contains(v) || v == 0x20 }
        if v < 0x1680 { return v == 0x85 || v == 0xA0 }
        return v == 0x1680 || (0x2000...0x200A).contains(v) || v == 0x2028 || v == 0x2029 || v == 0x202F
            || v == 0x205F || v == 0x3000
    }

    /// Bidi embedding marks poppler puts around RTL runs are not text and have no real box.
    @inline(__always)
    static func isBidiControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
    }

    /// Glyphs to words in one pass: the word's box, text and font votes are accumulated glyph by
    /// glyph (no per-word arrays), since this runs on every character of the document.
    static func words(from glyphs: [Glyph]) -> [Word] {
        var out: [Word] = []
        out.reserveCapacity(glyphs.count / 4)
        var bytes: [UInt8] = []  // UTF-8 of the current word
        bytes.reserveCapacity(64)
        var n = 0, boldCount = 0, monoCount = 0
        var x1 = 0.0, y1 = 0.0, x2 = 0.0, y2 = 0.0
        var sizes = SizeTally()
        var rtl = false, presentationForms = false
        var p = glyphs.first  // previous glyph of the current word (valid when n > 0)
        func flush() {
            guard n > 0 else { return }
            var text = String(decoding: bytes, as: UTF8.self)
            if presentationForms { text = baseLetters(text) }
            // Pure ASCII without controls: one character per byte, no need to count graphemes.
            let length = !presentationForms && bytes.count == n ? n : text.count  // as many bytes as scalars: ASCII
            out.append(Word(text: text, x1: x1, y1: y1, x2: x2, y2: y2, size: sizes.dominant ?? 0,
                            bold: boldCount * 2 > n, mono: monoCount * 2 > n, rtl: rtl, length: length))
            bytes.removeAll(keepingCapacity: true)
            n = 0; boldCount = 0; monoCount = 0; sizes = SizeTally(); rtl = false; presentationForms = false
        }
        for g in glyphs {
            if isBidiControl(g.scalar) { continue }
            if isBreakingSpace(g.scalar) { flush(); continue }
            if g.breakBefore { flush() }
            let gRTL = isRTL(g.scalar)
            if n > 0, let p {
                let h = max(p.y2 - p.y1, g.y2 - g.y1, 1)
                let em = max(p.size, g.size, 1)
                let jumpY = abs((p.y1 + p.y2) / 2 - (g.y1 + g.y2) / 2) > 0.5 * h
                let anyRTL = isRTL(p.scalar) || gRTL
                // Poppler's boxes for right-to-left runs do not follow the logical character
                // order, so RTL words are cut only by spaces and line changes.
                let gap = anyRTL ? 0 : g.x1 - p.x2
                let back = !anyRTL && g.x1 + 0.2 * em < p.x1
                if jumpY || back || gap > 0.35 * em { flush() }
            }
            if n == 0 {
                x1 = g.x1; y1 = g.y1; x2 = g.x2; y2 = g.y2
            } else {
                x1 = min(x1, g.x1); y1 = min(y1, g.y1); x2 = max(x2, g.x2); y2 = max(y2, g.y2)
            }
            let v = g.scalar.value
            if v < 0x80 {
                bytes.append(UInt8(v))
            } else {
                UTF8.encode(g.scalar) { bytes.append($0) }
                if isPresentationForm(g.scalar) { presentationForms = true }
            }
            sizes.add(g.size, 1)
            if g.bold { boldCount += 1 }
            if g.mono { monoCount += 1 }
            if gRTL { rtl = true }
            n += 1
            p = g
        }
        flush()
        return out
    }

    /// Arabic presentation forms (contextual glyph shapes and ligatures, U+FB50–FDFF and
    /// U+FE70–FEFC): what many Arabic PDFs carry as text. Rendering chooses these shapes by itself.
    @inline(__always)
    static func isPresentationForm(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0xFB50...0xFDFF).contains(v) || (0xFE70...0xFEFC).contains(v)
    }

    /// Presentation forms replaced by the letters they stand for (their compatibility
    /// decomposition: "ﻧ" → "ن", "ﳋ" → "لخ"), so the text can be searched, edited and translated.
    /// Other characters are left alone (NFKC on everything would turn French non-breaking spaces
    /// into spaces).
    static func baseLetters(_ word: String) -> String {
        var out = String.UnicodeScalarView()
        for s in word.unicodeScalars {
            if isPresentationForm(s) {
                out.append(contentsOf: String(s).precomposedStringWithCompatibilityMapping.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// A column gutter: an x-range free of glyphs over a vertical stretch of the page.
    struct Gutter {
        var x: ClosedRange<Double>
        var y: ClosedRange<Double>
    }

    /// Vertical bands free of body text over a long run of consecutive rows: the gutters of a
    /// two- or three-column layout. Empty when the page is single-column. Titles, figures and
    /// wide tables above or below the columns do not hide the gutter, since only the longest
    /// free run of rows counts.
    static func gutters(words: [Word], pageWidth: Double) -> [Gutter] {
        let body = dominant(words.map { ($0.size, $0.length) }) ?? 0
        // Only body-size prose counts: figure labels, titles and code may cross a real gutter.
        // Plain boxes (no text): the search below copies them around a lot.
        let prose = words.compactMap { w -> Box? in
            abs(w.size - body) <= 0.6 && !w.mono ? Box(x1: w.x1, x2: w.x2, y1: w.y1, y2: w.y2, size: w.size, length: w.length) : nil
        }
        guard prose.count > 40 else { return [] }
        var left = Double.infinity, right = -Double.infinity, top = Double.infinity, bottom = -Double.infinity
        for w in prose { left = min(left, w.x1); right = max(right, w.x2); top = min(top, w.y1); bottom = max(bottom, w.y2) }
        let width = right - left
        guard width > 100 else { return [] }
        // Horizontal slices about a line high: the two columns need not share baselines. Rows are
        // runs of the boxes ordered by slice (page order kept inside a slice), not arrays of their own.
        let slice = max(body * 1.3, 4)
        let keys = prose.map { Int($0.midY / slice) }
        let order = prose.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        var rows: [ArraySlice<Box>] = []
        let bySlice = order.map { prose[$0] }
        var start = 0
        for k in 1...order.count where k == order.count || keys[order[k]] != keys[order[k - 1]] {
            rows.append(bySlice[start..<k]); start = k
        }
        let rowY = rows.map { $0.map(\.midY).reduce(0, +) / Double($0.count) }
        let bins = Int(width / 2) + 1
        // covered[r * bins + b]: a word of row r touches bin b. Filled word by word (only the bins
        // near each word are tested, with the exact predicate), instead of scanning every row's
        // words for every bin.
        var covered = [Bool](repeating: false, count: rows.count * bins)
        var minX2 = [Double](repeating: .infinity, count: rows.count)
        var maxX1 = [Double](repeating: -.infinity, count: rows.count)
        for (r, row) in rows.enumerated() {
            for w in row {
                minX2[r] = min(minX2[r], w.x2)
                maxX1[r] = max(maxX1[r], w.x1)
                let lo = max(0, binIndex((w.x1 - 3 - left) / 2, bins: bins, .down) - 1)
                let hi = min(bins - 1, binIndex((w.x2 + 1 - left) / 2, bins: bins, .up) + 1)
                guard lo <= hi else { continue }
                for b in lo...hi {
                    let x = left + Double(b) * 2
                    if w.x1 - 1 <= x + 2 && w.x2 + 1 >= x { covered[r * bins + b] = true }
                }
            }
        }
        // free[b][r]: bin b is not covered by any word of row r.
        var longest = [(extent: Double, from: Int, to: Int)](repeating: (0, 0, 0), count: bins)
        for b in Int(0.15 * Double(bins))..<Int(0.85 * Double(bins)) {
            let x = left + Double(b) * 2
            // A row supports the gutter only with text on both sides of it; a row with text on one
            // side only (figure area, short last line) neither supports nor breaks it.
            var runStart: Int? = nil, runEnd = 0
            for r in 0...rows.count {
                if r == rows.count || covered[r * bins + b] {
                    if let s = runStart {
                        let extent = rowY[runEnd] - rowY[s]
                        if extent > longest[b].extent { longest[b] = (extent, s, runEnd) }
                    }
                    runStart = nil
                } else if minX2[r] < x && maxX1[r] > x + 2 {
                    if runStart == nil { runStart = r }
                    runEnd = r
                }
            }
        }
        let minExtent = 0.25 * (bottom - top)
        var runs: [Gutter] = []
        var b = 0
        while b < bins {
            guard longest[b].extent >= minExtent else { b += 1; continue }
            var e = b
            while e + 1 < bins, longest[e + 1].extent >= minExtent { e += 1 }
            if Double(e - b + 1) * 2 >= 8 {
                let mid = longest[(b + e) / 2]
                runs.append(Gutter(x: (left + Double(b) * 2)...(left + Double(e) * 2 + 2),
                                   y: (rowY[mid.from] - body)...(rowY[mid.to] + body)))
            }
            b = e + 1
        }
        guard !runs.isEmpty else { return [] }
        var candidates: [[Gutter]] = []
        if runs.count <= 2 { candidates.append(runs) }
        candidates += runs.sorted { ($0.x.upperBound - $0.x.lowerBound) > ($1.x.upperBound - $1.x.lowerBound) }.map { [$0] }
        for c in candidates {
            let band = prose.filter { w in c.allSatisfy { $0.y.contains(w.midY) } }
            if valid(gutters: c.map(\.x), words: band, left: left, right: right) { return c }
        }
        return []
    }

    /// `value` rounded to an index and clamped to -1...bins (never traps on odd coordinates).
    private static func binIndex(_ value: Double, bins: Int, _ rule: FloatingPointRoundingRule) -> Int {
        if value.isNaN { return -1 }
        return Int(min(max(value.rounded(rule), -1), Double(bins)))
    }

    /// A real column layout has wide columns that each hold a fair share of prose lines; a table
    /// also has empty vertical bands but its "columns" are narrow or hold one or two words per row.
    /// What the gutter search needs of a word.
    private struct Box {
        var x1: Double, x2: Double, y1: Double, y2: Double
        var size: Double
        var length: Int
        var midY: Double { (y1 + y2) / 2 }
    }

    private static func valid(gutters: [ClosedRange<Double>], words: [Box], left: Double, right: Double) -> Bool {
        let edges = [left] + gutters.flatMap { [$0.lowerBound, $0.upperBound] } + [right]
        let total = words.reduce(0) { $0 + $1.length }
        for k in 0...gutters.count {
            let a = edges[2 * k], b = edges[2 * k + 1]
            if b - a < 0.2 * (right - left) { return false }
            let inside = words.filter { $0.x1 >= a - 1 && $0.x2 <= b + 1 }
            let chars = inside.reduce(0) { $0 + $1.length }
            if Double(chars) < 0.15 * Double(total) { return false }
            // Prose columns are filled by their lines; table cells leave most of the width empty.
            var rows: [Int: [Box]] = [:]
            for w in inside { rows[Int(w.midY / 4), default: []].append(w) }
            guard !rows.isEmpty else { return false }
            let fills = rows.values.map { ws -> Double in
                let sorted = ws.sorted { $0.x1 < $1.x1 }
                var best = 0.0, start = sorted[0].x1, end = sorted[0].x2
                for w in sorted.dropFirst() {
                    if w.x1 - end > max(w.size, 1) { best = max(best, end - start); start = w.x1 }
                    end = max(end, w.x2)
                }
                return max(best, end - start) / (b - a)
            }.sorted()
            if fills[fills.count / 2] < 0.5 { return false }
        }
        return true
    }

    /// Groups words into rows (same baseline) and cuts rows into segments at wide gaps and gutters.
    static func segments(words: [Word], gutters allGutters: [Gutter]) -> [Segment] {
        let body = dominant(words.map { ($0.size, $0.length) }) ?? 0
        let sorted = words.sorted { $0.midY < $1.midY }
        // Rows are runs of `sorted`: a word joins the last row or starts a new one.
        var rows: [ArraySlice<Word>] = []
        var refMid = 0.0, refBottom = 0.0, refH = 0.0
        var start = 0
        for (i, w) in sorted.enumerated() {
            if i > 0 {
                let tol = min(w.height, refH)
                if abs(w.midY - refMid) <= 0.35 * tol || abs(w.y2 - refBottom) <= 0.2 * tol { continue }
                rows.append(sorted[start..<i]); start = i
            }
            refMid = w.midY; refBottom = w.y2; refH = w.height
        }
        if !sorted.isEmpty { rows.append(sorted[start...]) }
        var out: [Segment] = []
        for (r, row) in rows.enumerated() {
            let first = out.count
            let byX = row.sorted { $0.x1 < $1.x1 }
            // A row is split at a gutter unless one of its words crosses it (a title, a wide table).
            // Small figure labels that stray into the gutter do not count.
            let gutters = allGutters.map(\.x).filter { g in
                let mid = (g.lowerBound + g.upperBound) / 2  // overflowing into the gutter is not crossing it
                return !row.contains { $0.x1 < mid && $0.x2 > mid && $0.size >= 0.8 * body }
            }
            var cur: [Word] = []
            for w in byX {
                if let p = cur.last {
                    let em = max(p.size, w.size, 1)
                    // The gap between the two words overlaps a gutter: they belong to two columns.
                    let crossesGutter = gutters.contains { p.x2 <= $0.upperBound && w.x1 >= $0.lowerBound }
                    if w.x1 - p.x2 > 0.75 * em || crossesGutter {
                        out.append(Segment(words: cur, row: r)); cur = []
                    }
                }
                cur.append(w)
            }
            if !cur.isEmpty { out.append(Segment(words: cur, row: r)) }
            for i in first..<out.count {
                out[i].column = gutters.isEmpty && !allGutters.isEmpty ? -1 : column(of: out[i], gutters: gutters)
            }
        }
        // Right-to-left rows read from the right: reverse word order inside their segments.
        for i in out.indices where out[i].words.reduce(0, { $0 + ($1.rtl ? 1 : 0) }) * 2 > out[i].words.count {
            out[i].words.reverse()
        }
        return out
    }

    static func column(of s: Segment, gutters: [ClosedRange<Double>]) -> Int {
        var col = 0
        // Rows with body text across the gutter were already marked as spanning; what still
        // straddles a gutter here is a small label, placed by its centre.
        for g in gutters {
            let straddles = s.x1 < g.lowerBound && s.x2 > g.upperBound
            if straddles ? (s.x1 + s.x2) / 2 >= (g.lowerBound + g.upperBound) / 2 : s.x1 >= g.lowerBound { col += 1 }
        }
        return col
    }

    /// Reading order: full-width lines cut the page into bands; inside a band, column 1 is read
    /// top to bottom, then column 2, and so on.
    static func lines(segments: [Segment], page: Int) -> [Line] {
        var lines: [Line] = []
        // Segments of one row are consecutive (``segments(words:gutters:)`` emits them row by row).
        var i = 0
        while i < segments.count {
            var j = i + 1
            while j < segments.count && segments[j].row == segments[i].row { j += 1 }
            let segs = segments[i..<j]
            i = j
            if segs.contains(where: { $0.column == -1 }) {
                lines.append(Line(segments: segs.sorted { $0.x1 < $1.x1 }, page: page, column: -1))
                continue
            }
            for c in Set(segs.map(\.column)).sorted() {
                lines.append(Line(segments: segs.filter { $0.column == c }.sorted { $0.x1 < $1.x1 }, page: page, column: c))
            }
        }
        // Sorted through indices: a line is a large value, moving it around costs.
        let order = lines.indices.sorted { lines[$0].y1 < lines[$1].y1 || (lines[$0].y1 == lines[$1].y1 && lines[$0].x1 < lines[$1].x1) }
        lines = order.map { lines[$0] }
        for i in lines.indices where lines[i].mostlyRTL {
            lines[i].segments.reverse()
        }
        guard lines.contains(where: { $0.column > 0 }) else { return lines }
        var ordered: [Line] = []
        var band: [Line] = []
        func flushBand() {
            let cols = Set(band.map(\.column)).sorted()
            for c in cols { ordered += band.filter { $0.column == c } }
            band = []
        }
        for l in lines {
            if l.column == -1 { flushBand(); ordered.append(l) } else { band.append(l) }
        }
        flushBand()
        return ordered
    }
}
