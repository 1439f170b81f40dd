import Foundation
import Testing
@testable import GuichetDocuments

/// Deterministic pseudo-random documents assembled from tricky lines: the
/// identity render and the chunk → parseResponse round trip must hold for
/// every one of them, not only for the corpus.
@Suite struct RandomDocumentTests {
    struct LCG {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let pieces = [
        "Texte simple.", "Texte avec `code` et [lien](https://a.fr).", "  indenté de deux", "    indenté de quatre",
        "- puce", "* étoile", "+ plus", "1. un", "2) deux", "10. dix", "  - imbriqué", "    - plus imbriqué",
        "> citation", "> > double", ">", "> - liste citée", "# Titre", "### Titre trois ###", "====", "----", "---",
        "***", "```", "~~~", "```json", "<div>", "</div>", "<!-- c -->", "<span>en ligne</span> suite", "{: .x }",
        "{% raw %}", "[ref]: https://r.fr", "[^1]: Note de bas de page.", "| a | b |", "|---|---|", "| c | d |",
        ": définition", ":::", "+---+---+", "", "", "", "Fin de phrase. Début d'une autre ! Et une question ?",
        "\tTabulation", "mot⟦1⟧ déjà", "<https://auto.lien>", "![image](img.png \"titre\")", "trailing  ",
        "1.", "-", "   > citation indentée", "<pre>", "</pre>", "- ```", "- # titre en liste", "1. | a | b |",
        "Texte | avec barre", "  :   définition indentée", "- - -", "> # titre cité", "> ```", ">     code cité",
        "2019. année", "<External href=\"x\">t</External> suite", "      six espaces", "=", "Titre\u{00A0}insécable",
        "- [ ] tâche", "  1. ordonné imbriqué", ">> serré", "*emphase* et **gras**", "\\# échappé",
    ]

    @Test func randomDocumentsRoundTrip() throws {
        var rng = LCG(state: 42)
        for round in 0..<3000 {
            let count = 3 + rng.next(25)
            let lines = (0..<count).map { _ in Self.pieces[rng.next(Self.pieces.count)] }
            let ending = round % 5 == 0 ? "\r\n" : "\n"
            let source = lines.joined(separator: ending) + (round % 3 == 0 ? "" : ending)
            let doc = TextDocument(format: .markdown, text: source)
            #expect(try doc.render() == source, "identity, round \(round)")
            let upper = try doc.render(replacing: Corpus.upperCased(doc))
            // Structure survives a rewrite of every segment.
            let reparsed = TextDocument(format: .markdown, text: upper)
            #expect(reparsed.segments.map(\.kind) == doc.segments.map(\.kind), "round \(round):\n\(source)\n---\n\(upper)")
            // Same with an extra line in every segment (prefixes re-applied).
            let longer = Dictionary(uniqueKeysWithValues: doc.segments.map { ($0.id, $0.text + "\nligne ajoutée") })
            let grown = TextDocument(format: .markdown, text: try doc.render(replacing: longer))
            #expect(grown.segments.map(\.kind) == doc.segments.map(\.kind), "round \(round):\n\(source)")
            for budget in [12, 40, 400] {
                for chunk in Chunker(tokenBudget: budget).chunks(for: doc) {
                    do {
                        let parsed = try doc.parseResponse(chunk.text, for: chunk)
                        for id in chunk.segmentIDs where SegmentPartID.decompose(id) == nil {
                            #expect(parsed[id] == doc.segments[id].text, "round \(round) budget \(budget):\n\(source)\n---\n\(chunk.text)")
                        }
                    } catch {
                        Issue.record("round \(round) budget \(budget): \(error)\nSOURCE:\n\(source)\nCHUNK:\n\(chunk.text)")
                    }
                }
            }
        }
    }
}
