import Foundation
import Testing
@testable import GuichetDocuments

@Suite struct ChunkerTests {
    static let longParagraph = (1...60).map { "Phrase numéro \($0) avec un `code\($0)` et quelques mots de plus." }
        .joined(separator: " ")

    @Test func estimateIsConservative() {
        #expect(Chunker.estimateTokens("") == 0)
        #expect(Chunker.estimateTokens("abc") == 1)
        #expect(Chunker.estimateTokens("abcd") == 2)
        #expect(Chunker.estimateTokens("é") == 1)
    }

    @Test func oversizedParagraphIsSplitAtSentencesAndRejoined() throws {
        let source = "# Titre\n\n\(Self.longParagraph)\n\nFin.\n"
        let doc = TextDocument(format: .markdown, text: source)
        let chunks = Chunker(tokenBudget: 200).chunks(for: doc)
        let partIDs = chunks.flatMap(\.segmentIDs).filter { SegmentPartID.decompose($0) != nil }
        #expect(partIDs.count > 3)
        #expect(Set(partIDs.map { SegmentPartID.decompose($0)!.parent }) == [1])
        for chunk in chunks { #expect(chunk.estimatedTokens <= 200) }
        var results: [Int: String] = [:]
        for chunk in chunks {
            // Retrying a chunk segment by segment also works for parts.
            let alone = doc.segments(in: chunk)
            #expect(alone.map(\.id) == chunk.segmentIDs)
            #expect(alone.allSatisfy { !$0.text.isEmpty && doc.parseSingleResponse($0.text, for: $0) == $0.text })
            let parsed = try doc.parseResponse(chunk.text, for: chunk)
            for (id, text) in parsed where SegmentPartID.decompose(id) != nil {
                #expect(text.hasPrefix("Phrase numéro"))  // cut at a sentence boundary
                #expect(text.hasSuffix("plus."))
            }
            results.merge(parsed) { a, _ in a }
        }
        #expect(try doc.render(replacing: results) == source)
        // Upper-cased parts come back in place, code spans intact.
        let upper = results.mapValues { $0.uppercased() }
        let output = try doc.render(replacing: upper)
        #expect(output.contains("PHRASE NUMÉRO 60 AVEC UN `code60` ET QUELQUES MOTS DE PLUS.\n\nFIN.\n"))
        // Missing one part: the whole segment keeps its source text.
        var incomplete = upper
        incomplete.removeValue(forKey: partIDs[1])
        #expect(try doc.render(replacing: incomplete).contains(Self.longParagraph))
    }

    @Test func sentenceLongerThanBudgetIsSplitAtWords() throws {
        let words = (1...200).map { "mot\($0)" }.joined(separator: " ")
        let doc = TextDocument(format: .markdown, text: "- \(words)\n")
        let chunks = Chunker(tokenBudget: 50).chunks(for: doc)
        #expect(chunks.count > 6)
        for chunk in chunks {
            #expect(chunk.estimatedTokens <= 50)
            #expect(chunk.text.hasPrefix("- mot"))
        }
        var results: [Int: String] = [:]
        for chunk in chunks { results.merge(try doc.parseResponse(chunk.text, for: chunk)) { a, _ in a } }
        #expect(try doc.render(replacing: results) == "- \(words)\n")
    }

    @Test func tableIsNeverSplitUnlessAloneOverBudget() throws {
        let rows = (1...8).map { "| ligne \($0) | valeur numéro \($0) |" }.joined(separator: "\n")
        let source = "Intro.\n\n| Nom | Valeur |\n|:----|-----:|\n\(rows)\n\nConclusion.\n"
        let doc = TextDocument(format: .markdown, text: source)
        let cellIDs = Set(doc.segments.filter { $0.kind == .tableCell }.map(\.id))
        #expect(cellIDs.count == 18)
        // Budget fits the table but not table + both paragraphs.
        let whole = Chunker(tokenBudget: 10_000).chunks(for: doc)
        #expect(whole.count == 1)
        let small = Chunker(tokenBudget: whole[0].estimatedTokens - 2).chunks(for: doc)
        #expect(small.count > 1)
        #expect(small.filter { !cellIDs.isDisjoint(with: $0.segmentIDs) }.count == 1)
        // Budget smaller than the table: split between rows, every part a valid table.
        let tiny = Chunker(tokenBudget: 30).chunks(for: doc)
        let tableChunks = tiny.filter { !cellIDs.isDisjoint(with: $0.segmentIDs) }
        #expect(tableChunks.count > 1)
        for chunk in tableChunks {
            let lines = chunk.text.components(separatedBy: "\n")
            let header = try #require(lines.firstIndex { $0.hasPrefix("| ") })
            #expect(lines[header + 1].hasPrefix("|---|"))
            let parsed = try doc.parseResponse(chunk.text, for: chunk)
            #expect(parsed.count == chunk.segmentIDs.count)
            // Both cells of a row stay together.
            let rowsInChunk = chunk.segmentIDs.map { id -> Int in
                if case .tableCell(_, let row, _) = doc.style(of: id) { return row }
                return -1
            }
            for row in Set(rowsInChunk) where row >= 0 { #expect(rowsInChunk.filter { $0 == row }.count == 2) }
        }
    }

    @Test func prefersBreakingBeforeHeadings() {
        let para = String(repeating: "Du texte suivi. ", count: 20)
        let source = (1...6).map { "## Section \($0)\n\n\(para)\n" }.joined(separator: "\n")
        let doc = TextDocument(format: .markdown, text: source)
        let chunks = Chunker(tokenBudget: 300).chunks(for: doc)
        #expect(chunks.count > 1)
        for chunk in chunks {
            #expect(chunk.text.hasPrefix("## Section"))
            #expect(!chunk.text.components(separatedBy: "\n\n").last!.hasPrefix("#"))  // never ends on a heading
        }
    }
}
