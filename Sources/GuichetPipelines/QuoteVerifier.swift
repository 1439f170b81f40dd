/// Checks that a quote really occurs in the source, ignoring differences of whitespace, case,
/// apostrophes (’ and '), quotation marks, dashes and Markdown emphasis, and tells where it
/// was found (the page marker and the heading before it).
///
/// The source is normalised once into small integer codes (one per character, equal characters
/// share a code) with an index of every 4-character sequence, so a quote is looked up by its
/// rarest 4-gram and only that gram's occurrences are compared: a lookup costs about the quote's
/// length, not the document's.
struct QuoteVerifier: Sendable {
    struct Location: Sendable, Equatable {
        var page: Int?
        var heading: String?
    }

    /// Characters per indexed sequence.
    static let gram = 4

    /// The normalised source as codes, and for each of its characters the line it came from.
    let text: [UInt32]
    let lineOfCharacter: [Int32]
    /// For each code, the offset (in characters) of the source character it came from.
    let sourceOffset: [Int32]
    let pageOfLine: [Int?]
    let headingOfLine: [String?]
    /// Codes of the non-ASCII characters seen in the source (ASCII characters are their own code).
    let alphabet: [Character: UInt32]
    /// Every 4-gram of `text` as `key << 24 | position`, sorted: a gram's occurrences are one
    /// contiguous run, in document order. Empty when the text is too long to index that way.
    let grams: [UInt64]

    init(source: String) {
        var codes: [UInt32] = []
        var lines: [Int32] = []
        var offsets: [Int32] = []
        var lineStart = 0
        var pages: [Int?] = []
        var headings: [String?] = []
        var alphabet: [Character: UInt32] = [:]
        var page: Int?
        var heading: String?
        codes.reserveCapacity(source.utf8.count)
        lines.reserveCapacity(source.utf8.count)
        offsets.reserveCapacity(source.utf8.count)
        for (n, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("<!-- page "), let p = Int(t.dropFirst(10).prefix(while: \.isNumber)) { page = p }
            if t.hasPrefix("#") { heading = String(t.drop(while: { $0 == "#" })).trimmingCharacters(in: .whitespaces) }
            pages.append(page)
            headings.append(heading)
            Self.normalize(String(line) + "\n") { c, i in
                if c == " ", codes.last == Self.space || codes.isEmpty { return }
                let code: UInt32
                if let a = c.asciiValue {
                    code = UInt32(a)
                } else if let known = alphabet[c] {
                    code = known
                } else {
                    code = 128 + UInt32(alphabet.count)
                    alphabet[c] = code
                }
                codes.append(code)
                lines.append(Int32(n))
                offsets.append(Int32(lineStart + i))
            }
            lineStart += line.count + 1
        }
        text = codes
        lineOfCharacter = lines
        sourceOffset = offsets
        pageOfLine = pages
        headingOfLine = headings
        self.alphabet = alphabet
        grams = Self.index(codes)
    }

    static let space = UInt32(Character(" ").asciiValue!)
    static let positionBits: UInt64 = 24

    /// A gram's key: 10 bits a character (codes above 1022 share one value; a shared key only
    /// adds candidates, which are compared in full anyway).
    static func key(_ codes: UnsafeBufferPointer<UInt32>, at i: Int) -> UInt64 {
        var k: UInt64 = 0
        for j in 0..<gram { k = k << 10 | UInt64(min(codes[i + j], 1023)) }
        return k
    }

    static func index(_ codes: [UInt32]) -> [UInt64] {
        guard codes.count >= gram, codes.count < 1 << Int(positionBits) else { return [] }
        var out = [UInt64](repeating: 0, count: codes.count - gram + 1)
        codes.withUnsafeBufferPointer { c in
            for i in out.indices { out[i] = key(c, at: i) << positionBits | UInt64(i) }
        }
        out.sort()
        return out
    }

    /// Where the quote is, or nil when it is not in the source. An ellipsis in the quote
    /// (`…`, `...`) stands for omitted words: each part must occur, in order.
    func locate(_ quote: String) -> Location? {
        guard let span = codeSpan(of: quote) else { return nil }
        let line = Int(lineOfCharacter[span.lowerBound])
        return Location(page: pageOfLine[line], heading: headingOfLine[line])
    }

    /// Where the quote is in the source, in characters: from the first character of its first
    /// part to the last character of its last part. The review page shows it in its context
    /// from this, so what it finds is exactly what the check found.
    func characterRange(of quote: String) -> Range<Int>? {
        guard let span = codeSpan(of: quote) else { return nil }
        return Int(sourceOffset[span.lowerBound])..<(Int(sourceOffset[span.upperBound - 1]) + 1)
    }

    /// The quote's place in `text` (codes), every part in order.
    func codeSpan(of quote: String) -> Range<Int>? {
        var parts = quote.replacingOccurrences(of: "...", with: "…").split(separator: "…").map { Self.compact(Self.normalize(String($0))) }
        parts = parts.filter { !$0.isEmpty }
        guard !parts.isEmpty, parts.reduce(0, { $0 + $1.count }) >= 3 else { return nil }
        var from = 0
        var first: Int?
        for part in parts {
            guard let needle = codes(part), let at = find(needle, from: from) else { return nil }
            first = first ?? at
            from = at + needle.count
        }
        return first!..<from
    }

    /// The codes of normalised characters, or nil if one never occurs in the source.
    func codes(_ chars: [Character]) -> [UInt32]? {
        var out: [UInt32] = []
        out.reserveCapacity(chars.count)
        for c in chars {
            if let a = c.asciiValue { out.append(UInt32(a)) } else if let code = alphabet[c] { out.append(code) } else { return nil }
        }
        return out
    }

    /// The first occurrence of `needle` at or after `from`.
    func find(_ needle: [UInt32], from: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= text.count - from else { return nil }
        return text.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                func matches(at i: Int) -> Bool {
                    guard i >= from, i + n.count <= hay.count else { return false }
                    for j in 0..<n.count where hay[i + j] != n[j] { return false }
                    return true
                }
                guard n.count >= Self.gram, !grams.isEmpty else {
                    var i = from
                    while i + n.count <= hay.count {
                        if matches(at: i) { return i }
                        i += 1
                    }
                    return nil
                }
                // The rarest gram of the needle; its occurrences, in order, are the candidates.
                var best: Range<Int> = 0..<0, bestOffset = 0, bestCount = Int.max
                for offset in 0...(n.count - Self.gram) {
                    let r = run(of: Self.key(n, at: offset))
                    if r.count < bestCount { best = r; bestOffset = offset; bestCount = r.count }
                    if bestCount == 0 { return nil }
                }
                let mask: UInt64 = 1 << Self.positionBits - 1
                for g in best {
                    let start = Int(grams[g] & mask) - bestOffset
                    if matches(at: start) { return start }
                }
                return nil
            }
        }
    }

    /// The entries of `grams` with this key.
    func run(of key: UInt64) -> Range<Int> {
        let lo = lowerBound(key << Self.positionBits)
        let hi = lowerBound((key + 1) << Self.positionBits)
        return lo..<hi
    }

    func lowerBound(_ value: UInt64) -> Int {
        var lo = 0, hi = grams.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if grams[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func compact(_ chars: [Character]) -> [Character] {
        var out: [Character] = []
        for c in chars {
            if c == " ", out.last == " " || out.isEmpty { continue }
            out.append(c)
        }
        while out.last == " " { out.removeLast() }
        // Quotation marks and final punctuation the model wraps a quote in are not evidence.
        while let f = out.first, "\"'.,;:".contains(f) || f == " " { out.removeFirst() }
        while let l = out.last, "\"'.,;:".contains(l) || l == " " { out.removeLast() }
        return out
    }

    static func normalize(_ s: String) -> [Character] {
        var out: [Character] = []
        normalize(s) { c, _ in out.append(c) }
        return out
    }

    /// Each normalised character with the offset of the character of `s` it comes from.
    /// Lower case is taken a character at a time (ASCII directly), so offsets stay exact.
    static func normalize(_ s: String, _ emit: (Character, Int) -> Void) {
        var placeholder = false
        for (i, original) in s.enumerated() {
            // Most characters are ASCII: decided from the byte, without comparing Characters
            // (each `==` on a Character is a string comparison).
            if let a = original.asciiValue {
                if placeholder { continue }
                switch a {
                case 0x2A, 0x5F, 0x5C: continue  // * _ \ (Markdown emphasis and escapes)
                case 0x60: emit("'", i)  // `
                case 0x41...0x5A: emit(Character(Unicode.Scalar(a + 32)), i)
                case 0x09...0x0D, 0x20: emit(" ", i)
                default: emit(original, i)
                }
                continue
            }
            if original == "⟦" { placeholder = true; continue }
            if placeholder { if original == "⟧" { placeholder = false }; continue }
            switch original {
            case "’", "‘", "`", "´", "ʼ": emit("'", i)
            case "“", "”", "«", "»", "„": emit("\"", i)
            case "–", "—", "‐", "‑": emit("-", i)
            case "*", "_", "\\": continue
            default:
                if original.isWhitespace || original == "\u{00A0}" || original == "\u{202F}" {
                    emit(" ", i)
                } else if let a = original.asciiValue {
                    emit(a >= 65 && a <= 90 ? Character(Unicode.Scalar(a + 32)) : original, i)
                } else {
                    for c in original.lowercased() { emit(c, i) }
                }
            }
        }
    }
}
