import Foundation
import GuichetCore
@testable import GuichetPipelines
import GuichetTestSupport
import Testing

/// The indexed quote lookup against the plain scan it replaced, on the text of the 121-page
/// specification as the SWOT pipeline reads it.
@Suite(.serialized) struct QuoteIndexTests {
    /// The lookup as it was before the index: the normalised source as characters, scanned from
    /// the start for every part of every quote. Kept here as the reference.
    struct ScanVerifier {
        let normalized: [Character]
        let lineOfCharacter: [Int]
        let pageOfLine: [Int?]
        let headingOfLine: [String?]

        init(source: String) {
            var chars: [Character] = []
            var lines: [Int] = []
            var pages: [Int?] = []
            var headings: [String?] = []
            var page: Int?
            var heading: String?
            for (n, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("<!-- page "), let p = Int(t.dropFirst(10).prefix(while: \.isNumber)) { page = p }
                if t.hasPrefix("#") { heading = String(t.drop(while: { $0 == "#" })).trimmingCharacters(in: .whitespaces) }
                pages.append(page)
                headings.append(heading)
                for c in QuoteVerifier.normalize(String(line) + "\n") {
                    if c == " ", chars.last == " " || chars.isEmpty { continue }
                    chars.append(c)
                    lines.append(n)
                }
            }
            normalized = chars
            lineOfCharacter = lines
            pageOfLine = pages
            headingOfLine = headings
        }

        func locate(_ quote: String) -> QuoteVerifier.Location? {
            var parts = quote.replacingOccurrences(of: "...", with: "…").split(separator: "…").map { QuoteVerifier.compact(QuoteVerifier.normalize(String($0))) }
            parts = parts.filter { !$0.isEmpty }
            guard !parts.isEmpty, parts.reduce(0, { $0 + $1.count }) >= 3 else { return nil }
            var from = 0
            var first: Int?
            for part in parts {
                guard let at = find(part, from: from) else { return nil }
                first = first ?? at
                from = at + part.count
            }
            let line = lineOfCharacter[first!]
            return QuoteVerifier.Location(page: pageOfLine[line], heading: headingOfLine[line])
        }

        func find(_ needle: [Character], from: Int) -> Int? {
            guard needle.count <= normalized.count - from, let head = needle.first else { return nil }
            var i = from
            while i + needle.count <= normalized.count {
                if normalized[i] == head, Array(normalized[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }
    }

    /// A small deterministic generator, so a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(n, 1)))
        }
    }

    /// The specification as the pipeline reads it (`source.md` of a SWOT job on the PDF).
    static func specificationText() async throws -> String {
        let h = try PipelineHarness(behavior: { _ in .chat(content: #"{"items": []}"#) }) { $0.llm.maxConcurrentRequests = 4 }
        let job = try await h.claim("ficoba.pdf", try PipelineHarness.corpus("apigouv__ProtocoleTechniqueFicoba3-v8.pdf"), folder: "swot")
        guard case .awaitingReview = await h.runner().run(job) else { throw GuichetError(.internalError, "SWOT job on the specification did not finish") }
        return String(decoding: try Data(contentsOf: h.layout.jobDir(job.id).appendingPathComponent(DocumentLoader.extractedSourceName)), as: UTF8.self)
    }

    /// Quotes as a model writes them: windows of the text, with its case, apostrophes, quote
    /// marks and spacing changed, cut by an ellipsis, or with a word invented.
    static func quotes(from source: String, count: Int) -> [String] {
        let words = source.split(whereSeparator: \.isWhitespace).map(String.init)
        var g = Generator(state: 42)
        var out: [String] = []
        for _ in 0..<count {
            let length = 1 + g.next(12)
            let start = g.next(words.count - length)
            var quote = words[start..<(start + length)].joined(separator: " ")
            switch g.next(8) {
            case 0: quote = quote.uppercased()
            case 1: quote = quote.replacingOccurrences(of: "'", with: "’").replacingOccurrences(of: " ", with: "   ")
            case 2: quote = "« \(quote) »."
            case 3:
                let skip = 1 + g.next(20)
                let end = min(words.count, start + length + skip + 4)
                quote += " … " + words[min(words.count - 1, start + length + skip)..<end].joined(separator: " ")
            case 4: quote += " invraisemblablement"
            case 5: quote = words[start..<(start + length)].reversed().joined(separator: " ")
            default: break
            }
            out.append(quote)
        }
        // Edge cases: too short, only punctuation, an ellipsis alone, absent characters.
        out += ["", "a", "de", "…", "...", "\"\"", "ℵ₀ ≠ ∅", "la", "le fichier", "FICOBA"]
        return out
    }

    @Test func theIndexFindsTheSameLocationsAsAScanOnTheSpecification() async throws {
        let source = try await Self.specificationText()
        #expect(source.count > 100_000, "the 121-page specification")
        let indexed = QuoteVerifier(source: source)
        let scan = ScanVerifier(source: source)
        #expect(indexed.text.count == scan.normalized.count)
        var found = 0, missing = 0
        for quote in Self.quotes(from: source, count: 600) {
            let a = indexed.locate(quote), b = scan.locate(quote)
            #expect(a == b, "\(quote)")
            if b == nil { missing += 1 } else { found += 1 }
        }
        #expect(found > 300 && missing > 50, "both kinds exercised (\(found) found, \(missing) not)")
    }

    /// Where the check found a quote, in the source's own characters (the review page shows
    /// the quote in its context from it): the text there normalises to the quote, for every
    /// quote found in the specification.
    @Test func aFoundQuoteMapsBackToTheSourceTextItCameFrom() async throws {
        let source = try await Self.specificationText()
        let verifier = QuoteVerifier(source: source)
        let chars = Array(source)
        var checked = 0
        for quote in Self.quotes(from: source, count: 600) where !quote.contains("…") && !quote.contains("...") {
            guard let r = verifier.characterRange(of: quote) else { continue }
            let there = String(chars[r])
            #expect(QuoteVerifier.compact(QuoteVerifier.normalize(there)) == QuoteVerifier.compact(QuoteVerifier.normalize(quote)), "\(quote) → \(there)")
            checked += 1
        }
        #expect(checked > 200)
    }

    /// What the check ignores: case, emphasis and escapes, the kind of apostrophe, quotation
    /// mark, dash and blank, and formatting placeholders; each character keeps its offset.
    @Test func normalisationAndOffsets() {
        let s = "L’*État* \\_Fait_ `x`\tA\r\nB ⟦1⟧Z – « Ω »"
        #expect(String(QuoteVerifier.normalize(s)) == "l'état fait 'x' a b z - \" ω \"")
        var offsets: [Int] = []
        QuoteVerifier.normalize("A*b") { _, i in offsets.append(i) }
        #expect(offsets == [0, 2])
    }

    @Test func shortPartsCommonGramsAndRareCharacters() {
        let source = """
            <!-- page 1 -->

            # Titre

            de de de de la la la ; l’État ∑ fin — tiret « guillemets » ×××× ××××× ok

            <!-- page 2 -->

            ## Suite

            de la fin ; encore de la fin ×××××× ok
            """
        let indexed = QuoteVerifier(source: source)
        let scan = ScanVerifier(source: source)
        for quote in ["de la fin", "de de de de la", "l'etat ∑", "L'ÉTAT ∑ FIN", "fin - tiret", "\"guillemets\"", "××××× ok", "×××××× ok",
                      "de … encore", "la … la … la … fin", "encore … Titre", "∑", "ok", "de la fin ; encore de la fin ×××××× ok", "absent ici"] {
            #expect(indexed.locate(quote) == scan.locate(quote), "\(quote)")
        }
        #expect(indexed.locate("de la fin ; encore")?.page == 2)
        #expect(indexed.locate("×××××× ok")?.heading == "Suite")
        #expect(indexed.locate("×××× ×××××")?.page == 1)
    }
}
