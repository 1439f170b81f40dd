/// Joins wrapped lines and undoes end-of-line hyphenation without breaking real compounds
/// ("peut-être", "Saint-Denis", "e-mail", "2019-2023").
struct Dehyphenator {
    /// Lowercased words of the whole document (punctuation trimmed), hyphenated or not: the
    /// document itself is the best dictionary of its compounds.
    var vocabulary: Set<String>

    /// First parts that form French compounds with a hyphen ("peut-être", "c'est-à-dire", "vis-à-vis").
    static let compoundHeads: Set<String> = [
        "peut", "c'est", "c’est", "est", "vis", "dit", "dite", "dits", "dites", "vous", "nous", "lui", "elle", "elles",
        "eux", "moi", "toi", "soi", "non", "quasi", "sous", "demi", "semi", "mi", "ex", "vice", "après",
        "avant", "arrière", "grand", "grande", "porte", "chef", "ci", "au", "celle", "celui", "ceux", "là",
        "pourrait", "faut", "voulez", "avez", "pouvez", "a", "e", "multi", "pré", "post", "co",
    ]

    static func isHyphen(_ c: Character) -> Bool { c == "-" || c == "\u{2010}" || c == "\u{00AD}" }

    /// Text of `a` followed by the wrapped line `b`.
    func join(_ a: String, _ b: String) -> String {
        guard let last = a.last else { return b }
        guard !b.isEmpty else { return a }
        guard Dehyphenator.isHyphen(last), !a.dropFirst().isEmpty else { return a + " " + b }  // a.count >= 2
        let before = String(a.dropLast())
        if last == "\u{00AD}" { return before + b }  // soft hyphen: always a line-break artefact
        let head = String(before.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" }).last ?? "")
        let tail = String(b.prefix { !$0.isWhitespace })
        guard let first = tail.first, first.isLowercase, let h = head.last, h.isLetter else {
            // "2019-" + "2023", "Saint-" + "Denis", or an isolated dash: the hyphen is real.
            return head.isEmpty ? a + " " + b : a + b
        }
        let headKey = Dehyphenator.normalise(head), tailKey = Dehyphenator.normalise(tail)
        if vocabulary.contains(headKey + tailKey) { return before + b }
        if vocabulary.contains(headKey + "-" + tailKey) { return a + b }
        let lastPart = String(headKey.split(separator: "-").last ?? "")
        // An acronym before the hyphen ("SNCF-", "UE-") is a compound; a capitalised word that was
        // merely cut ("Col-laboration") is not.
        if (head.count >= 2 && head.allSatisfy { $0.isUppercase || !$0.isLetter }) || head.count <= 1 || lastPart.count <= 1
            || Dehyphenator.compoundHeads.contains(lastPart)
            || Dehyphenator.compoundHeads.contains(headKey) {
            return a + b
        }
        return before + b
    }

    /// Lowercase, outer punctuation trimmed (keeps inner hyphens and apostrophes).
    static func normalise(_ word: String) -> String {
        // ASCII words (most of them in French and English text too) from their bytes: for ASCII,
        // letters and digits are [A-Za-z0-9] and lowercasing is adding 32 to A-Z.
        var w = word
        let fast = w.withUTF8 { buf -> String? in
            guard buf.allSatisfy({ $0 < 0x80 }) else { return nil }
            func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
            var lo = 0, hi = buf.count
            while lo < hi && !alnum(buf[lo]) { lo += 1 }
            while hi > lo && !alnum(buf[hi - 1]) { hi -= 1 }
            return String(decoding: buf[lo..<hi].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        }
        if let fast { return fast }
        var s = Substring(word.lowercased())
        while let f = s.first, !(f.isLetter || f.isNumber) { s.removeFirst() }
        while let l = s.last, !(l.isLetter || l.isNumber) { s.removeLast() }
        return String(s)
    }
}
