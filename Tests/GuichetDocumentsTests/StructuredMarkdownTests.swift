import Foundation
import GuichetDocumentModel
import GuichetDocuments
import Testing

struct StructuredMarkdownTests {
    let sample = StructuredDocument(blocks: [
        .heading(level: 1, text: "Délibération n° 2024-12", page: 1),
        .paragraph(text: "Le conseil, après en avoir délibéré, décide :", page: 1),
        .listItem(text: "d’approuver le budget ;", ordered: true, level: 0, marker: "1.", page: 1),
        .listItem(text: "de charger le maire de l’exécution.", ordered: true, level: 0, marker: "2.", page: 1),
        .listItem(text: "sous-point", ordered: false, level: 1, marker: "•", page: 1),
        .heading(level: 2, text: "Annexe", page: 2),
        .paragraph(text: "2024. Une année record", page: 2),
        .paragraph(text: "# pas un titre", page: 2),
        .paragraph(text: "- pas une liste", page: 2),
        .table(rows: [["Champ", "Type"], ["a|b", "texte"], ["montant", "décimal"]], header: true, page: 2),
        .code(text: "{\n  \"id\": 1,\n  \"x\": \"```\"\n}", page: 3),
        .paragraph(text: "Fin.", page: 3),
    ])

    @Test func structureSurvivesAMarkdownRoundTrip() {
        let md = sample.markdown()
        let back = MarkdownStructureReader.read(md)
        #expect(back.blocks.map(\.plainText) == sample.blocks.map(\.plainText))
        #expect(back.blocks.map(\.blockPage) == sample.blocks.map(\.blockPage))
        let kinds = back.blocks.map { b -> String in
            switch b {
            case .heading(let l, _, _): return "h\(l)"
            case .paragraph: return "p"
            case .listItem(_, let o, let l, _, _): return (o ? "ol" : "ul") + "\(l)"
            case .table: return "table"
            case .code: return "code"
            case .pageBreak: return "br"
            }
        }
        #expect(kinds == ["h1", "p", "ol0", "ol0", "ul1", "h2", "p", "p", "p", "table", "code", "p"])
    }

    /// A line break inside a block's text (any of Unicode's) becomes a space: a paragraph or
    /// a heading stays one Markdown line.
    @Test func lineBreaksInsideABlockBecomeSpaces() {
        for br in ["\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"] {
            let doc = StructuredDocument(blocks: [.heading(level: 2, text: "Titre\(br)suite", page: nil),
                                                  .paragraph(text: "un\(br)deux", page: nil)])
            #expect(doc.markdown() == "## Titre suite\n\nun deux\n", "\(br.unicodeScalars.map { $0.value })")
        }
        // No break: the text is kept as it is, accents and all.
        #expect(StructuredDocument(blocks: [.paragraph(text: "Élément¨ «ok» — fin", page: nil)]).markdown() == "Élément¨ «ok» — fin\n")
    }

    @Test func pageMarkersAndCodeNeverReachTheModel() throws {
        let md = sample.markdown()
        let doc = try TextDocument(format: .markdown, text: md)
        let chunks = Chunker(tokenBudget: 500).chunks(for: doc)
        let sent = chunks.map(\.text).joined(separator: "\n")
        #expect(!sent.contains("<!-- page"))
        #expect(!sent.contains("\"id\": 1"))
        #expect(sent.contains("Délibération n° 2024-12"))
        #expect(try doc.render(replacing: [:]) == md)
    }

    @Test func inlineMarkupIsReducedToText() {
        let back = MarkdownStructureReader.read("Voir **le guide** de [data.gouv.fr](https://www.data.gouv.fr) et `jq`, ![logo](x.png) snake_case.\n")
        #expect(back.blocks == [.paragraph(text: "Voir le guide de data.gouv.fr (https://www.data.gouv.fr) et jq, logo snake_case.", page: nil)])
    }

    @Test func corpusMarkdownReadsWithoutLosingParagraphs() throws {
        let md = try Corpus.text("datagouv-doc__dcat.md")
        let doc = MarkdownStructureReader.read(md)
        #expect(doc.blocks.contains { if case .table = $0 { return true }; return false })
        #expect(doc.blocks.contains { if case .heading = $0 { return true }; return false })
        #expect(!doc.blocks.contains { $0.plainText.hasPrefix("title:") }, "front matter is not content")
    }
}
