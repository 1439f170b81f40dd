import Foundation
import Testing
@testable import GuichetDocuments

@Suite struct CorpusTests {
    @Test(arguments: Corpus.markdownFiles)
    func identityRenderIsByteIdentical(file: String) throws {
        let text = try Corpus.text(file)
        let doc = TextDocument(format: .markdown, text: text)
        #expect(!doc.segments.isEmpty)
        #expect(try doc.render() == text)
        // Giving every segment its own text back is also the identity.
        let same = Dictionary(uniqueKeysWithValues: doc.segments.map { ($0.id, $0.text) })
        #expect(try doc.render(replacing: same) == text)
    }

    @Test(arguments: Corpus.markdownFiles)
    func crlfAndBOMVariantsRoundTrip(file: String) throws {
        let crlf = try Corpus.text(file).replacingOccurrences(of: "\n", with: "\r\n")
        let data = Data([0xEF, 0xBB, 0xBF] + Array(crlf.utf8))
        let doc = try TextDocument(format: .markdown, data: data)
        #expect(try doc.renderData() == data)
        let lf = try Corpus.document(file)
        #expect(doc.segments == lf.segments)  // line endings never leak into segment text
        let output = try doc.render(replacing: Corpus.upperCased(doc))
        #expect(!output.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF introduced")
    }

    @Test(arguments: Corpus.markdownFiles)
    func upperCasingKeepsCodeLinksAndMarkers(file: String) throws {
        let text = try Corpus.text(file)
        let doc = TextDocument(format: .markdown, text: text)
        let output = try doc.render(replacing: Corpus.upperCased(doc))
        #expect(output != text)
        for block in Corpus.fencedBlocks(text) {
            #expect(output.contains(block), "fenced block changed: \(block.prefix(60))")
        }
        // Every link / image destination survives untouched.
        let regex = try NSRegularExpression(pattern: #"\]\([^)\s]+[^)]*\)"#)
        let ns = text as NSString
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let destination = ns.substring(with: match.range)
            #expect(output.contains(destination), "destination changed: \(destination)")
        }
        #expect(Corpus.linePrefixes(output) == Corpus.linePrefixes(text))
        // Front matter is never touched.
        if text.hasPrefix("---\n"), let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex) {
            #expect(output.hasPrefix(String(text[..<end.upperBound])))
        }
    }

    @Test(arguments: Corpus.markdownFiles, [120, 800, 4000])
    func chunksRoundTripThroughParseResponse(file: String, budget: Int) throws {
        let doc = try Corpus.document(file)
        let chunks = Chunker(tokenBudget: budget).chunks(for: doc)
        var results: [Int: String] = [:]
        for chunk in chunks {
            let parsed = try doc.parseResponse(chunk.text, for: chunk)
            #expect(parsed.count == chunk.segmentIDs.count)
            for id in chunk.segmentIDs where SegmentPartID.decompose(id) == nil {
                #expect(parsed[id] == doc.segments[id].text, "chunk \(chunk.index) segment \(id)")
            }
            results.merge(parsed) { a, _ in a }
        }
        // Feeding every chunk back as the "answer" reproduces the document;
        // split segments come back joined with one space at each cut.
        let output = try doc.render(replacing: results)
        let source = try Corpus.text(file)
        if chunks.flatMap(\.segmentIDs).contains(where: { SegmentPartID.decompose($0) != nil }) {
            #expect(output.split(whereSeparator: \.isWhitespace) == source.split(whereSeparator: \.isWhitespace))
        } else {
            #expect(output == source)
        }
    }

    @Test(arguments: Corpus.markdownFiles, [120, 800, 4000])
    func chunksCoverEverySegmentOnceInOrderWithinBudget(file: String, budget: Int) throws {
        let doc = try Corpus.document(file)
        let chunks = Chunker(tokenBudget: budget).chunks(for: doc)
        let parents = chunks.flatMap(\.segmentIDs).map { SegmentPartID.decompose($0)?.parent ?? $0 }
        var deduplicated: [Int] = []
        for p in parents where deduplicated.last != p { deduplicated.append(p) }
        #expect(deduplicated == doc.segments.filter(\.hasTranslatableText).map(\.id))
        for (n, chunk) in chunks.enumerated() {
            #expect(chunk.index == n)
            #expect(chunk.estimatedTokens == Chunker.estimateTokens(chunk.text))
            if chunk.estimatedTokens > budget {
                // Documented overrun: a single segment/part or a single table row.
                let rows = Set(chunk.segmentIDs.map { id -> String in
                    if case .tableCell(let t, let r, _) = doc.style(of: id) { return "\(t)/\(r)" }
                    return "segment \(id)"
                })
                #expect(rows.count == 1, "chunk \(n) has \(chunk.estimatedTokens) tokens for budget \(budget)")
            }
        }
    }

    @Test(arguments: Corpus.markdownFiles)
    func codeAndFrontMatterNeverSent(file: String) throws {
        let text = try Corpus.text(file)
        let doc = TextDocument(format: .markdown, text: text)
        let sent = Chunker(tokenBudget: 1000).chunks(for: doc).map(\.text).joined(separator: "\n")
        for block in Corpus.fencedBlocks(text) {
            let body = block.components(separatedBy: "\n").dropFirst().dropLast()
                .filter { $0.trimmingCharacters(in: .whitespaces).count > 12 }
            for line in body { #expect(!sent.contains(line), "code line sent: \(line)") }
            #expect(!sent.contains("```"))
        }
        if text.hasPrefix("---\n") {
            let frontMatter = text.components(separatedBy: "\n").dropFirst().prefix(while: { $0 != "---" })
            for line in frontMatter where line.count > 8 { #expect(!sent.contains(line), "front matter sent: \(line)") }
        }
    }

    @Test func tutorielFencesAbsentFromChunksAndIntactAfterRender() throws {
        let text = try Corpus.text("datagouv-doc__tutoriel.md")
        let doc = TextDocument(format: .markdown, text: text)
        let blocks = Corpus.fencedBlocks(text)
        #expect(blocks.count == 27)
        let chunkTexts = Chunker(tokenBudget: 500).chunks(for: doc).map(\.text)
        let output = try doc.render(replacing: Corpus.upperCased(doc))
        for block in blocks {
            #expect(!chunkTexts.contains { $0.contains(block) })
            #expect(output.contains(block))
        }
    }

    @Test func dcatTablesAreKeptWholeAndCellsAreSegments() throws {
        let doc = try Corpus.document("datagouv-doc__dcat.md")
        let cells = doc.segments.filter { $0.kind == .tableCell }
        #expect(cells.contains { $0.text == "Titre" })
        #expect(cells.contains { $0.text == "⟦1⟧" && !$0.hasTranslatableText })  // `title` is protected, not sent
        let chunks = Chunker(tokenBudget: 2000).chunks(for: doc)
        var tableOfChunk: [Int: Int] = [:]
        for chunk in chunks {
            for id in chunk.segmentIDs {
                if case .tableCell(let t, _, _) = doc.style(of: id) {
                    if let other = tableOfChunk[t] { #expect(other == chunk.index, "table \(t) split") }
                    tableOfChunk[t] = chunk.index
                }
            }
        }
        #expect(tableOfChunk.count == 4)
        // The IAL after each table is kept, never sent.
        #expect(!chunks.contains { $0.text.contains("{: .table }") })
    }
}
