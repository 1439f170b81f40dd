import Foundation

/// Finds running headers, footers and page numbers: text in the top or bottom band of the page
/// that repeats (digits ignored) on at least half of the pages, or that is only a page number.
/// They are noise for translation and would be repeated in the rebuilt document.
enum RunningTextFilter {
    /// Share of the page height considered header or footer area.
    static let band = 0.09

    /// Marks the removed segments in place (by dropping them) and returns their texts.
    static func apply(pages: inout [[Segment]], heights: [Double]) -> [String] {
        var pagesWithKey: [String: Set<Int>] = [:]
        // Band segments of each page with their text and key, worked out once.
        var band: [[(index: Int, text: String, key: String)]] = []
        for (p, segs) in pages.enumerated() {
            var here: [(index: Int, text: String, key: String)] = []
            for (i, s) in segs.enumerated() where inBand(s, height: heights[p]) {
                let text = s.text
                let k = key(text)
                here.append((i, text, k))
                pagesWithKey[k, default: []].insert(p)
            }
            band.append(here)
        }
        let needed = max(2, Int((Double(pages.count) * 0.5).rounded(.up)))
        var removed: [String] = []
        for p in pages.indices {
            var drop = Set<Int>()
            for b in band[p] where isPageNumber(b.text) || (pagesWithKey[b.key]?.count ?? 0) >= needed {
                drop.insert(b.index)
                removed.append(b.text)
            }
            guard !drop.isEmpty else { continue }
            pages[p] = pages[p].enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        }
        return removed
    }

    static func inBand(_ s: Segment, height: Double) -> Bool {
        let mid = (s.y1 + s.y2) / 2
        return mid < band * height || mid > (1 - band) * height
    }

    /// Digits collapse so "Page 3/121" and "Page 4/121" share a key.
    static func key(_ text: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in text.lowercased() {
            if ch.isNumber { if out.last != "#" { out.append("#") }; lastSpace = false }
            else if ch.isWhitespace { if !lastSpace { out.append(" ") }; lastSpace = true }
            else { out.append(ch); lastSpace = false }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// "12", "- 12 -", "Page 3", "page 3 / 12", "3 sur 12", "iv".
    static func isPageNumber(_ text: String) -> Bool {
        let spaced = text.lowercased().replacingOccurrences(of: "/", with: " / ")
        var tokens = spaced.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        tokens.removeAll { ["-", "–", "—", "|"].contains($0) }
        if let f = tokens.first, ["page", "p.", "pages", "pg"].contains(f) { tokens.removeFirst() }
        func isNum(_ t: String) -> Bool {
            let t = t.trimmingCharacters(in: CharacterSet(charactersIn: "-–—"))
            return (!t.isEmpty && t.allSatisfy(\.isASCIIDigit))
                || (!t.isEmpty && t.count <= 5 && t.allSatisfy { "ivxlc".contains($0) })
        }
        switch tokens.count {
        case 1: return isNum(tokens[0])
        case 3: return isNum(tokens[0]) && ["/", "sur", "of", "de"].contains(tokens[1]) && isNum(tokens[2])
        default: return false
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
