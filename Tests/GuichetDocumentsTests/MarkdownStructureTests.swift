import Foundation
import Testing
@testable import GuichetDocuments

@Suite struct MarkdownStructureTests {
    static let source = """
    ---
    title: Essai
    ---

    Titre setext
    ============

    Un paragraphe
    sur deux lignes.

    <div class="note">
    Bloc HTML gardé.
    </div>

    <!-- commentaire
    sur deux lignes -->

    {% include note.html %}

    [id]: https://exemple.fr "Titre"

    1. Premier
       suite du premier
    2) Deuxième
       - imbriqué *un*
         continuation

       Paragraphe dans l'élément.

    > Citation
    suite paresseuse
    >
    > - liste citée

        code indenté
        gardé

    ~~~~ python
    print("gardé")
    ~~~~

    * * *

    - ```sh
      echo "code en liste"
      ```

    Terme

    :   Définition pandoc.

    | A | B |
    |---|:-:|
    | x \\| y | `z` |

    {: .table }
    ## Titre fermé ##

    """

    @Test func blocksAreRecognised() throws {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let got = doc.segments.map { "\($0.kind)|\($0.text)" }
        #expect(got == [
            "heading(level: 1)|Titre setext",
            "paragraph|Un paragraphe\nsur deux lignes.",
            "listItem|Premier\nsuite du premier",
            "listItem|Deuxième",
            "listItem|imbriqué *un*\ncontinuation",
            "paragraph|Paragraphe dans l'élément.",
            "quote|Citation\nsuite paresseuse",
            "listItem|liste citée",
            "paragraph|Terme",
            "listItem|Définition pandoc.",
            "tableCell|A",
            "tableCell|B",
            "tableCell|x \\| y",
            "tableCell|⟦1⟧",
            "heading(level: 2)|Titre fermé",
        ])
        #expect(try doc.render() == Self.source)
    }

    @Test func replacementsKeepMarkersAndIndentation() throws {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let output = try doc.render(replacing: [
            2: "First\nfollowed\nby more", 4: "nested one", 6: "Quote", 9: "Pandoc definition.", 14: "Closed title",
        ])
        #expect(output.contains("1. First\n   followed\n   by more\n2) Deuxième\n   - nested one\n\n"))
        #expect(output.contains("> Quote\n>\n> - liste citée\n"))
        #expect(output.contains(":   Pandoc definition.\n"))
        #expect(output.contains("## Closed title ##\n"))
        #expect(output.contains("    code indenté\n    gardé\n"))
        #expect(output.hasPrefix("---\ntitle: Essai\n---\n"))
    }

    @Test func chunkRoundTripCoversAllBlockKinds() throws {
        let doc = TextDocument(format: .markdown, text: Self.source)
        let chunk = Chunker(tokenBudget: 10_000).chunks(for: doc)[0]
        #expect(!chunk.text.contains("gardé"))
        #expect(!chunk.text.contains("code en liste"))
        #expect(!chunk.text.contains("title: Essai"))
        let parsed = try doc.parseResponse(chunk.text, for: chunk)
        for id in chunk.segmentIDs { #expect(parsed[id] == doc.segments[id].text) }
    }
}
