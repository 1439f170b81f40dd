import Foundation
import GuichetDocumentModel
import Testing
@testable import GuichetPDF

/// Nothing may be lost or shuffled while rebuilding structure: the words of `pdftotext` (same
/// poppler engine, flat text) must all come back, in the same order for prose.
// Serialized: poppler work is synchronous and would otherwise hold both threads of the
// cooperative pool at once, stalling unrelated tests.
@Suite(.serialized) struct WordRecallTests {
    /// Readable corpus PDFs with the recall (multiset) and prose-order thresholds they must meet.
    /// Order is measured on prose blocks only (see ``orderRatio``).
    /// Measured (debug build, poppler 22.12): recall ≥ 0.995 everywhere; prose order
    /// 0.96 on tracemonkey (figures and captions placed inside columns are ordered differently
    /// from pdftotext), 0.98 on the spec, 0.84 on the Chinese report (CJK "words" are whole
    /// phrases between punctuation, so one moved label costs a lot).
    static let cases: [(file: String, password: String?, recall: Double, order: Double)] = [
        ("pdfjs__tracemonkey.pdf", nil, 0.995, 0.95),
        ("apigouv__ProtocoleTechniqueFicoba3-v8.pdf", nil, 0.995, 0.97),
        ("albert__JO-2023-06-21_decision-DINUM.pdf", nil, 0.995, 0.99),
        ("plumber__2023-06-20-PV.pdf", nil, 0.995, 0.99),
        ("poppler__russian.pdf", nil, 0.995, 0.99),
        // Arabic in presentation forms, right to left (poppler's selection from the top-left corner
        // used to drop the first and last lines, and bidi marks hid word breaks: 17% then).
        ("pdfjs__ArabicCIDTrueType.pdf", nil, 0.995, 0.99),
        ("plumber__issue-67-example.pdf", nil, 0.995, 0.80),
        ("plumber__nics-background-checks-2015-11.pdf", nil, 0.995, 0.99),
        ("pdfminer__issue-625-identity-cmap.pdf", nil, 0.995, 0.99),
        ("pypdf__libreoffice-writer-password.pdf", "openpassword", 0.995, 0.99),
        ("pdfminer__zen_of_python_corrupted.pdf", nil, 0.995, 0.99),
    ]

    struct Measure { var recall: Double; var order: Double; var expected: Int }

    static func measure(_ file: String, password: String?) throws -> Measure {
        let url = Corpus.url(file)
        let analysis = try PDFReader.analyze(url: url, options: PDFReaderOptions(password: password))
        let blocks = analysis.document.blocks
        let mine = blocks.flatMap { Corpus.words(Corpus.text(of: $0)) }
        var mineCount: [String: Int] = [:]
        for w in mine { mineCount[w, default: 0] += 1 }

        // Multiset reference: `pdftotext -layout`, because the default mode glues words of
        // neighbouring table cells ("Alpha" + "dence" → "alphadence"), words that exist nowhere.
        let layoutPages = try Corpus.pdftotext(url, password: password, layout: true).map { reference(words: $0, mine: mineCount, lookahead: 80) }
        var expected: [String: Int] = [:]
        for p in layoutPages { for w in p { expected[w, default: 0] += 1 } }
        // Order reference: default (reading-order) mode.
        let pages = try Corpus.pdftotext(url, password: password).map { reference(words: $0, mine: mineCount, lookahead: 1) }
        // Running headers/footers and page numbers are removed on purpose: not expected back.
        for w in analysis.removedRunningText.flatMap(Corpus.words) {
            if let c = expected[w] { expected[w] = c > 1 ? c - 1 : nil }
        }
        let total = expected.values.reduce(0, +)
        let found = expected.reduce(0) { $0 + min($1.value, mineCount[$1.key] ?? 0) }
        if ProcessInfo.processInfo.environment["GUICHET_DEBUG_RECALL"] != nil {
            let missing = expected.compactMap { k, v in v > (mineCount[k] ?? 0) ? "\(k)×\(v - (mineCount[k] ?? 0))" : nil }
            print("MISSING \(file): \(missing.sorted().prefix(80))")
            print("REMOVED \(file): \(Set(analysis.removedRunningText).prefix(20))")
        }

        // Order: prose blocks of page p against pdftotext's pages p and p+1 (a paragraph keeps the
        // page it starts on). Tables and code are excluded: pdftotext reads tables column by
        // column, which is exactly what the reader fixes.
        var lcsSum = 0, proseSum = 0
        for p in pages.indices {
            let prose = blocks.filter { b in
                guard Corpus.page(of: b) == p + 1 else { return false }
                if case .table = b { return false }
                if case .code = b { return false }
                return true
            }.flatMap { Corpus.words(Corpus.text(of: $0)) }
            let ref = pages[p] + (p + 1 < pages.count ? pages[p + 1] : [])
            lcsSum += lcs(prose, ref)
            proseSum += prose.count
        }
        return Measure(recall: total == 0 ? 1 : Double(found) / Double(total),
                       order: proseSum == 0 ? 1 : Double(lcsSum) / Double(proseSum), expected: total)
    }

    /// pdftotext words of one page; "infor-" + "mation" counts as "information" when the reader
    /// produced the joined word. In layout mode the continuation of a hyphenated table cell
    /// comes after the other cells of the row, hence a lookahead (in tokens).
    static func reference(words text: String, mine: [String: Int], lookahead: Int) -> [String] {
        var raw = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        var out: [String] = []
        var i = 0
        while i < raw.count {
            let t = raw[i]
            if t.hasSuffix("-"), let l = Corpus.words(String(t.dropLast())).last {
                var joined = false
                for k in (i + 1)..<min(raw.count, i + 1 + lookahead) {
                    guard raw[k].first?.isLowercase == true, let r = Corpus.words(raw[k]).first, mine[l + r] != nil else { continue }
                    out += Corpus.words(String(t.dropLast())).dropLast() + [l + r]
                    raw[k] = Corpus.words(raw[k]).dropFirst().joined(separator: " ")
                    joined = true
                    break
                }
                if joined { i += 1; continue }
            }
            out += Corpus.words(t)
            i += 1
        }
        return out
    }

    /// Length of the longest common subsequence (two-row dynamic programming).
    static func lcs(_ a: [String], _ b: [String]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var ids: [String: Int32] = [:]
        let ai = a.map { w -> Int32 in if let v = ids[w] { return v }; let v = Int32(ids.count); ids[w] = v; return v }
        let bi = b.map { ids[$0] ?? -1 }
        var prev = [Int32](repeating: 0, count: bi.count + 1), cur = prev
        for x in ai {
            prev.withUnsafeBufferPointer { pv in
                cur.withUnsafeMutableBufferPointer { cv in
                    bi.withUnsafeBufferPointer { bv in
                        for j in 0..<bv.count {
                            cv[j + 1] = bv[j] == x ? pv[j] + 1 : max(pv[j + 1], cv[j])
                        }
                    }
                }
            }
            swap(&prev, &cur)
        }
        return Int(prev[bi.count])
    }

    @Test(arguments: cases.indices)
    func recallAndOrder(_ index: Int) throws {
        let c = Self.cases[index]
        let m = try Self.measure(c.file, password: c.password)
        print("RECALL \(c.file): recall \(String(format: "%.4f", m.recall)) order \(String(format: "%.4f", m.order)) over \(m.expected) words")
        #expect(m.expected > 0)
        #expect(m.recall >= c.recall, "\(c.file) recall \(m.recall)")
        #expect(m.order >= c.order, "\(c.file) order \(m.order)")
    }
}
