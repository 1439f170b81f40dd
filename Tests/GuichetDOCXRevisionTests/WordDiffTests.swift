import Foundation
import GuichetDOCXText
import Testing

@Suite struct WordDiffTests {
    /// Rebuilds both sides from the edits.
    static func sides(_ edits: [WordDiff.Edit]) -> (old: String, new: String) {
        var old = "", new = ""
        for edit in edits {
            switch edit {
            case .same(let s): old += s; new += s
            case .delete(let s): old += s
            case .insert(let s): new += s
            }
        }
        return (old, new)
    }

    static func changes(_ edits: [WordDiff.Edit]) -> [WordDiff.Edit] {
        edits.filter { if case .same = $0 { return false } else { return true } }
    }

    @Test func accentIsOneWordReplaced() {
        let edits = WordDiff.diff("Les enfants de l'ecole jouent.", "Les enfants de l'école jouent.")
        #expect(edits == [.same("Les enfants de l'"), .delete("ecole"), .insert("école"), .same(" jouent.")])
    }

    @Test func pluralIsOneWordReplaced() {
        let edits = WordDiff.diff("des enfant sages", "des enfants sages")
        #expect(edits == [.same("des "), .delete("enfant"), .insert("enfants"), .same(" sages")])
    }

    @Test func apostrophesAreDifferentCharacters() {
        let edits = WordDiff.diff("l'avis d'imposition", "l’avis d'imposition")
        #expect(edits == [.same("l"), .delete("'"), .insert("’"), .same("avis d'imposition")])
        #expect(WordDiff.diff("l’avis", "l'avis") == [.same("l"), .delete("’"), .insert("'"), .same("avis")])
    }

    @Test(arguments: [":", ";", "!", "?"])
    func noBreakSpaceBeforeHighPunctuation(_ mark: String) {
        let narrow = WordDiff.diff("Objet \(mark) demande", "Objet\u{202F}\(mark) demande")
        #expect(narrow == [.same("Objet"), .delete(" "), .insert("\u{202F}"), .same("\(mark) demande")])
        let added = WordDiff.diff("Objet\(mark) demande", "Objet\u{00A0}\(mark) demande")
        #expect(added == [.same("Objet"), .insert("\u{00A0}"), .same("\(mark) demande")])
        let swapped = WordDiff.diff("Objet\u{00A0}\(mark)", "Objet\u{202F}\(mark)")
        #expect(swapped == [.same("Objet"), .delete("\u{00A0}"), .insert("\u{202F}"), .same(mark)])
    }

    @Test func punctuationAttachedToWords() {
        #expect(WordDiff.diff("à l'école .", "à l'école.") == [.same("à l'école"), .delete(" "), .same(".")])
        #expect(WordDiff.diff("fin,début", "fin, début") == [.same("fin,"), .insert(" "), .same("début")])
        #expect(WordDiff.diff("(voir annexe)", "(voir l'annexe)") == [.same("(voir "), .insert("l'"), .same("annexe)")])
    }

    @Test func identicalInputHasNoChange() {
        for text in ["", "a", "Madame, Monsieur,\tle 3 mai\u{202F}:\nfin ⟦1⟧ x", "  "] {
            let edits = WordDiff.diff(text, text)
            #expect(Self.changes(edits).isEmpty)
            #expect(edits == (text.isEmpty ? [] : [.same(text)]))
        }
    }

    @Test func markersAreAtomicTokens() {
        #expect(WordDiff.tokens("a⟦12⟧b") == ["a", "⟦12⟧", "b"])
        #expect(WordDiff.diff("a⟦1⟧b", "a⟦2⟧b") == [.same("a"), .delete("⟦1⟧"), .insert("⟦2⟧"), .same("b")])
    }

    @Test func deletionComesBeforeInsertionAndEditsAreMerged() {
        let edits = WordDiff.diff("un deux trois", "un quatre cinq trois")
        #expect(edits == [.same("un "), .delete("deux"), .insert("quatre cinq"), .same(" trois")])
        for k in 1..<edits.count {
            switch (edits[k - 1], edits[k]) {
            case (.same, .same), (.delete, .delete), (.insert, .insert), (.insert, .delete): Issue.record("not merged: \(edits)")
            default: break
            }
        }
    }

    @Test func reconstructionOnRandomStrings() {
        var rng = SplitMix(seed: 0x5EED)
        let alphabet: [String] = ["a", "b", "é", "e", " ", " ", "\u{00A0}", "\u{202F}", "'", "’", ":", ".", ",", "\t", "\n", "⟦1⟧", "l", "œ", "1"]
        var changed = 0
        for _ in 0..<400 {
            let oldPieces = (0..<Int(rng.next() % 60)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let old = oldPieces.joined()
            var newChars = oldPieces
            for _ in 0..<Int(rng.next() % 6) where !newChars.isEmpty {
                let at = Int(rng.next() % UInt64(newChars.count))
                switch rng.next() % 3 {
                case 0: newChars.remove(at: at)
                case 1: newChars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: newChars[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            let new = newChars.joined()
            let edits = WordDiff.diff(old, new)
            let (o, n) = Self.sides(edits)
            #expect(o == old)
            #expect(n == new)
            #expect(edits.allSatisfy { if case .same(let s) = $0 { !s.isEmpty } else if case .delete(let s) = $0 { !s.isEmpty } else if case .insert(let s) = $0 { !s.isEmpty } else { false } })
            if old == new { #expect(Self.changes(edits).isEmpty) } else { #expect(!Self.changes(edits).isEmpty); changed += 1 }
        }
        #expect(changed > 200)
    }

    /// The byte-level tokenizer gives exactly the tokens of the Character-level definition
    /// (kept here as the reference), including combining marks, CR LF, emoji sequences,
    /// flags, CJK and markers that are not markers.
    @Test func tokensMatchTheCharacterLevelDefinition() {
        var rng = SplitMix(seed: 0x70C3)
        let pieces: [String] = ["a", "Z", "9", " ", "  ", "e\u{301}", "é", "\u{00A0}", "\u{202F}", "'", "’", ":", "\t", "\n", "\r\n", "\r",
                                "⟦1⟧", "⟦123456⟧", "⟦1234567⟧", "⟦", "⟧", "⟦x⟧", "œ", "中文", "👩‍👩‍👧", "🇫🇷", "a\u{308}\u{308}", "\u{301}", "٣", "-", "\u{0}"]
        for _ in 0..<2_000 {
            let text = (0..<Int(rng.next() % 25)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(WordDiff.tokens(text) == Self.referenceTokens(text), "\(text.debugDescription)")
        }
    }

    /// WordDiff's tokenizer as first written, on Characters.
    static func referenceTokens(_ text: String) -> [String] {
        enum Class { case word, space, single }
        func classify(_ c: Character) -> Class {
            if c.isLetter || c.isNumber { return .word }
            if c.unicodeScalars.count == 1, c.unicodeScalars.first == " " { return .space }
            if c.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) { return .word }
            return .single
        }
        var tokens: [String] = []
        var current = ""
        var currentClass: Class?
        var rest = Substring(text)
        while let c = rest.first {
            if c == "⟦", let close = rest.firstIndex(of: "⟧") {
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if !inner.isEmpty, inner.count <= 6, inner.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    if !current.isEmpty { tokens.append(current); current = "" }
                    currentClass = nil
                    tokens.append(String(rest[...close]))
                    rest = rest[rest.index(after: close)...]
                    continue
                }
            }
            let k = classify(c)
            if k == .single || k != currentClass {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            }
            current.append(c)
            currentClass = k
            rest = rest.dropFirst()
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    @Test func longTextsFallBackToWholeReplacementButStayExact() {
        let old = (0..<3_000).map { "m\($0)" }.joined(separator: " ")
        let new = (0..<3_000).map { "n\($0)" }.joined(separator: " ")
        let (o, n) = Self.sides(WordDiff.diff(old, new))
        #expect(o == old && n == new)
    }

    @Test func changedWordShare() {
        #expect(WordDiff.changedWordShare("un deux trois quatre", "un deux trois quatre") == 0)
        #expect(WordDiff.changedWordShare("un deux trois quatre", "un deux trois quatres") == 0.25)
        #expect(WordDiff.changedWordShare("un deux trois quatre", "cinq six sept huit") == 1)
        #expect(WordDiff.changedWordShare("un deux trois quatre", "un deux trois quatre et cinq") == 0)  // additions only
        #expect(WordDiff.changedWordShare("un deux : trois quatre", "un deux\u{202F}: trois, quatre") == 0)  // typography only
        #expect(WordDiff.changedWordShare("un deux", "deux") == 0.5)
        #expect(WordDiff.changedWordShare("", "texte") == 0)
        #expect(WordDiff.changedWordShare("l'avis", "l’avis") == 0)
    }
}

/// Deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
