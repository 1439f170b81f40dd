import Foundation

/// A word-level diff for proofreading: what a correction changed, as runs of unchanged,
/// deleted and inserted text that together cover both texts exactly (whitespace included).
///
/// Tokens are words (letters, digits, combining marks), single punctuation or symbol
/// characters, runs of ordinary spaces, and — each on its own — no-break spaces (U+00A0,
/// U+202F, U+2007), tabs and line breaks, so French typography changes ("mot :" →
/// "mot\u{202F}:") and apostrophe changes (' → ’) show as changes of their own. A `⟦n⟧`
/// formatting marker is one token. Tokens are compared exactly (no normalization).
public enum WordDiff {
    public enum Edit: Sendable, Equatable {
        case same(String)
        case delete(String)
        case insert(String)
    }

    /// Above this edit distance (in tokens) the texts are reported as one whole replacement.
    public static let maxEditDistance = 2_000

    /// The edits turning `old` into `new`. In a changed stretch, the deletion comes before the
    /// insertion; consecutive edits of one kind are merged. Identical texts give only `.same`
    /// (or nothing for two empty texts).
    public static func diff(_ old: String, _ new: String) -> [Edit] {
        if old == new { return old.isEmpty ? [] : [.same(old)] }
        let a = tokens(old)
        let b = tokens(new)
        // Tokens as integers: comparisons in the O(ND) loop stay cheap.
        var ids: [String: Int] = [:]
        let ia = a.map { token in ids[token] ?? { ids[token] = ids.count; return ids.count - 1 }() }
        let ib = b.map { token in ids[token] ?? { ids[token] = ids.count; return ids.count - 1 }() }
        var ops: [(kind: Int, token: String)] = []  // 0 same, 1 delete, 2 insert
        var prefix = 0
        while prefix < ia.count, prefix < ib.count, ia[prefix] == ib[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < ia.count - prefix, suffix < ib.count - prefix,
              ia[ia.count - 1 - suffix] == ib[ib.count - 1 - suffix] { suffix += 1 }
        for k in 0..<prefix { ops.append((0, a[k])) }
        let midA = Array(ia[prefix..<(ia.count - suffix)])
        let midB = Array(ib[prefix..<(ib.count - suffix)])
        if let script = myers(midA, midB, maxD: maxEditDistance) {
            var i = prefix, j = prefix
            for op in script {
                switch op {
                case 0: ops.append((0, a[i])); i += 1; j += 1
                case 1: ops.append((1, a[i])); i += 1
                default: ops.append((2, b[j])); j += 1
                }
            }
        } else {
            for k in prefix..<(a.count - suffix) { ops.append((1, a[k])) }
            for k in prefix..<(b.count - suffix) { ops.append((2, b[k])) }
        }
        for k in (a.count - suffix)..<a.count { ops.append((0, a[k])) }
        return merge(ops)
    }

    /// Share (0…1) of `old`'s words that the correction deleted or replaced; 0 when `old` has
    /// no words. Whitespace and punctuation changes do not count.
    public static func changedWordShare(_ old: String, _ new: String) -> Double {
        let total = tokens(old).filter(isWord).count
        guard total > 0 else { return 0 }
        var changed = 0
        for case .delete(let text) in diff(old, new) { changed += tokens(text).filter(isWord).count }
        return Double(changed) / Double(total)
    }

    // MARK: - Tokens

    private enum Class: Equatable { case word, space, single }

    /// Splits `text` into tokens whose concatenation is `text`.
    ///
    /// Works on the UTF-8 bytes: an ASCII byte not followed by a non-ASCII one (a combining
    /// mark would join its grapheme) and other than CR (CR LF is one grapheme) is a whole
    /// character, classified directly; anything else is read as a `Character`.
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var text = text
        text.withUTF8 { bytes in
            let n = bytes.count
            var tokenStart = 0
            var currentClass: Class?
            var i = 0
            func cut(at end: Int) {
                if end > tokenStart { tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[tokenStart..<end]), as: UTF8.self)) }
                tokenStart = end
            }
            /// The grapheme cluster starting at `i` (a boundary), decoded out of a short window
            /// ending on a scalar boundary; from the whole rest only when the cluster may not
            /// end inside the window.
            func character(at i: Int) -> Character {
                var end = min(n, i + 32)
                while end < n, bytes[end] & 0xC0 == 0x80 { end += 1 }
                let character = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self).first!
                if character.utf8.count >= end - i, end < n {
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<n]), as: UTF8.self).first!
                }
                return character
            }
            while i < n {
                let c = bytes[i]
                // A formatting marker `⟦n⟧` (1 to 6 ASCII digits) is one token.
                if c == 0xE2, i + 2 < n, bytes[i + 1] == 0x9F, bytes[i + 2] == 0xA6 {
                    var k = i + 3
                    while k < n, k - (i + 3) <= 6, bytes[k] >= 0x30, bytes[k] <= 0x39 { k += 1 }
                    let digits = k - (i + 3)
                    // ⟧ must be a character of its own (a combining mark after it would join it).
                    if digits >= 1, digits <= 6, k + 2 < n, bytes[k] == 0xE2, bytes[k + 1] == 0x9F, bytes[k + 2] == 0xA7,
                       k + 3 == n || bytes[k + 3] < 0x80 || character(at: k).utf8.count == 3 {
                        cut(at: i)
                        cut(at: k + 3)
                        currentClass = nil
                        i = k + 3
                        continue
                    }
                }
                let length: Int
                let k: Class
                if c < 0x80, c != 0x0D, i + 1 == n || bytes[i + 1] < 0x80 {
                    length = 1
                    if (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) { k = .word }
                    else if c == 0x20 { k = .space }
                    else { k = .single }
                } else {
                    let grapheme = character(at: i)
                    length = grapheme.utf8.count
                    k = classify(grapheme)
                }
                if k == .single || k != currentClass { cut(at: i) }
                currentClass = k
                i += length
            }
            cut(at: n)
        }
        return tokens
    }

    private static func classify(_ c: Character) -> Class {
        if c.isLetter || c.isNumber { return .word }
        if let s = c.unicodeScalars.first, c.unicodeScalars.count == 1, s == " " { return .space }
        // Other whitespace (no-break spaces, tabs, line breaks, thin spaces), punctuation and
        // symbols: one token per character.
        if c.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) { return .word }
        return .single
    }

    private static func isWord(_ token: String) -> Bool {
        guard let c = token.first else { return false }
        return c.isLetter || c.isNumber
    }

    // MARK: - Myers O(ND)

    /// The shortest edit script (0 same, 1 delete, 2 insert) or nil when it is longer than `maxD`.
    private static func myers(_ a: [Int], _ b: [Int], maxD: Int) -> [UInt8]? {
        let n = a.count, m = b.count
        if n == 0 { return Array(repeating: 2, count: m) }
        if m == 0 { return Array(repeating: 1, count: n) }
        let limit = min(n + m, maxD)
        let offset = limit + 1
        var v = Array(repeating: 0, count: 2 * limit + 3)
        // trace[d]: the frontier before step d, only diagonals -d-1...d+1 (all step d reads).
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...limit {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m { found = true; break outer }
                k += 2
            }
        }
        guard found else { return nil }
        // Backtrack through the saved frontiers.
        var script: [UInt8] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let saved = trace[d]
            let base = d + 1  // saved[k + base] is the frontier on diagonal k
            let k = x - y
            if d == 0 {
                while x > 0 && y > 0 { script.append(0); x -= 1; y -= 1 }
                break
            }
            let prevK: Int
            if k == -d || (k != d && saved[base + k - 1] < saved[base + k + 1]) { prevK = k + 1 } else { prevK = k - 1 }
            let prevX = saved[base + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY { script.append(0); x -= 1; y -= 1 }
            script.append(prevK == k + 1 ? 2 : 1)
            x = prevX; y = prevY
        }
        return script.reversed()
    }

    /// Merges token operations: in each changed stretch, deletions first then insertions.
    private static func merge(_ ops: [(kind: Int, token: String)]) -> [Edit] {
        var edits: [Edit] = []
        var same = "", deleted = "", inserted = ""
        func flushChange() {
            if !deleted.isEmpty { edits.append(.delete(deleted)); deleted = "" }
            if !inserted.isEmpty { edits.append(.insert(inserted)); inserted = "" }
        }
        for op in ops {
            switch op.kind {
            case 0:
                flushChange()
                same += op.token
            case 1:
                if !same.isEmpty { edits.append(.same(same)); same = "" }
                deleted += op.token
            default:
                if !same.isEmpty { edits.append(.same(same)); same = "" }
                inserted += op.token
            }
        }
        flushChange()
        if !same.isEmpty { edits.append(.same(same)) }
        return edits
    }
}
