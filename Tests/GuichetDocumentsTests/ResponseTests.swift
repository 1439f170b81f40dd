import Foundation
import Testing
@testable import GuichetDocuments

@Suite struct ResponseTests {
    static let source = """
    # Titre

    Premier paragraphe avec un [lien](https://exemple.fr "titre").

    Second paragraphe.

    - élément un
    - élément `deux`

    > Une citation
    > sur deux lignes.

    """

    func chunk(_ doc: TextDocument) -> Chunk {
        let chunks = Chunker(tokenBudget: 10_000).chunks(for: doc)
        #expect(chunks.count == 1)
        return chunks[0]
    }

    @Test func chunkTextShowsMarkersAndPlaceholders() {
        let doc = TextDocument(format: .markdown, text: Self.source)
        #expect(chunk(doc).text == """
        # Titre

        Premier paragraphe avec un [lien⟦1⟧.

        Second paragraphe.

        - élément un

        - élément ⟦1⟧

        > Une citation
        > sur deux lignes.
        """)
    }

    @Test func translatedAnswerIsMappedBack() throws {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let answer = """
        Voici la traduction :

        ```markdown
        # Title

        First paragraph with a [link⟦1⟧.

        Second paragraph.

        - item one

        - item ⟦1⟧

        > A quote on one line.
        ```
        """
        let results = try doc.parseResponse(answer, for: chunk(doc))
        #expect(results[0] == "Title")
        #expect(results[5] == "A quote on one line.")
        let output = try doc.render(replacing: results)
        #expect(output == """
        # Title

        First paragraph with a [link](https://exemple.fr "titre").

        Second paragraph.

        - item one
        - item `deux`

        > A quote on one line.

        """)
        // A multi-line answer for the quote gets its `> ` prefixes back.
        let two = try doc.render(replacing: [5: "A quote\nin three\nlines."])
        #expect(two.hasSuffix("> A quote\n> in three\n> lines.\n"))
    }

    @Test func mergedParagraphsAreAStructureMismatch() {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let answer = "# Title\n\nFirst paragraph with a [link⟦1⟧. Second paragraph.\n\n- item one\n\n- item ⟦1⟧\n\n> A quote.\n"
        #expect(throws: DocumentError.self) { try doc.parseResponse(answer, for: chunk(doc)) }
        do {
            _ = try doc.parseResponse(answer, for: chunk(doc))
        } catch {
            #expect(error.code == .structureMismatch)
        }
        // Kinds matter too: a list item answered as a paragraph.
        let wrongKind = "# Title\n\nA.\n\nB.\n\nitem one\n\n- item ⟦1⟧\n\n> A quote.\n"
        #expect(throws: DocumentError.self) { try doc.parseResponse(wrongKind, for: chunk(doc)) }
    }

    @Test func placeholderMismatchIsReported() throws {
        let doc = TextDocument(format: .markdown, text: Self.source)
        #expect(try doc.restorePlaceholders(segmentID: 1, in: "Avec [lien⟦1⟧.").get()
            == "Avec [lien](https://exemple.fr \"titre\").")
        for (bad, word) in [("Sans lien.", "missing"), ("[a⟦1⟧ [b⟦1⟧", "duplicated"), ("[a⟦2⟧", "unknown")] {
            switch doc.restorePlaceholders(segmentID: 1, in: bad) {
            case .success: Issue.record("accepted \(bad)")
            case .failure(let error):
                #expect(error.code == .placeholderMismatch)
                #expect(error.message.contains(word))
            }
        }
        #expect(throws: DocumentError.self) { try doc.render(replacing: [1: "Lien perdu."]) }
        // The lenient variant keeps the source for that segment only, and says so.
        let (text, rejected) = doc.renderKeepingSourceOnMismatch(replacing: [0: "Title", 1: "Lien perdu."])
        #expect(rejected.keys.sorted() == [1])
        #expect(rejected[1]?.code == .placeholderMismatch)
        #expect(text.hasPrefix("# Title\n\nPremier paragraphe avec un [lien](https://exemple.fr \"titre\").\n"))
    }

    @Test func singleSegmentAnswerIsCleaned() {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let heading = doc.segments[0], item = doc.segments[3], quote = doc.segments[5]
        #expect(doc.segmentText(for: item) == "élément un")
        #expect(doc.parseSingleResponse("  ## Title \n", for: heading) == "Title")
        #expect(doc.parseSingleResponse("- item one", for: item) == "item one")
        #expect(doc.parseSingleResponse("```\nitem one\n```", for: item) == "item one")
        #expect(doc.parseSingleResponse("\"item one\"", for: item) == "item one")
        #expect(doc.parseSingleResponse("> A quote\n> on two lines.", for: quote) == "A quote\non two lines.")
        #expect(doc.parseSingleResponse("Here is the translation:\n\nitem one", for: item) == "item one")
    }

    @Test func inlineSpansAreProtected() throws {
        let text = "Voir `x|y`, <https://a.fr>, https://b.fr/p?q=1. <span class=\"k\">mot</span> {{ site.url }} {% link a.md %} note[^1] [réf][id] [Titre] ![alt](img.png) \\`pas du code\\`\n\n# Titre\n"
        let doc = TextDocument(format: .markdown, text: text)
        #expect(doc.segments[0].text == "Voir ⟦1⟧, ⟦2⟧, ⟦3⟧. ⟦4⟧mot⟦5⟧ ⟦6⟧ ⟦7⟧ note⟦8⟧ [réf⟦9⟧ ⟦10⟧ ![alt⟦11⟧ \\`pas du code\\`")
        #expect(try doc.render() == text)
    }
}
