import Foundation
import GuichetDocumentModel
import Testing
@testable import GuichetPDF

/// Structure rebuilding on real documents: column order, headings, tables, dehyphenation,
/// running headers/footers.
// Serialized: poppler work is synchronous and would otherwise hold both threads of the
// cooperative pool at once, stalling unrelated tests.
@Suite(.serialized) struct StructureTests {
    static let tracemonkey = Result { try PDFReader.read(url: Corpus.url("pdfjs__tracemonkey.pdf")) }
    static let ficoba = Result { try PDFReader.read(url: Corpus.url("apigouv__ProtocoleTechniqueFicoba3-v8.pdf")) }

    func paragraphs(_ doc: StructuredDocument) -> [String] {
        doc.blocks.compactMap { if case let .paragraph(t, _) = $0 { return t }; return nil }
    }

    @Test func twoColumnPaperReadsColumnByColumn() throws {
        let doc = try Self.tracemonkey.get()
        let paras = paragraphs(doc)
        // The abstract (left column of page 1) is one paragraph, from its first to its last sentence,
        // with nothing from the right column inside.
        let abstract = try #require(paras.first { $0.hasPrefix("Dynamic languages such as JavaScript are more difficult to compile") })
        #expect(abstract.contains("speedups of 10x and more for certain benchmark programs."))
        #expect(!abstract.contains("Google Mail"))
        // Line-end hyphenation inside the column is undone ("com-" + "pile").
        #expect(abstract.contains("difficult to compile than statically typed ones"))
        // A sentence cut at the bottom of the left column (a footnote sits below it) goes on at
        // the top of the right column: one paragraph.
        #expect(paras.contains { $0.contains("client-side web programming and is used for the application logic") })
        // Page 2: the left column ends with "…compiler based on"; the right column resumes with
        // "a set of industry benchmarks." after Figure 1, its caption and Figure 2's labels.
        #expect(paras.contains { $0.contains("evaluate our dynamic compiler based on a set of industry benchmarks.") })
        #expect(!paras.contains { $0.contains("based on loop") || $0.contains("based on ready") })
        // Right column text keeps its own order.
        #expect(paras.contains { $0.contains("Google Docs and Zimbra Collaboration Suite.") })
    }

    @Test func specKeepsHeadingsAndFieldTables() throws {
        let doc = try Self.ficoba.get()
        let headings = doc.blocks.compactMap { b -> (Int, String)? in
            if case let .heading(level, text, _) = b { return (level, text) }; return nil
        }
        #expect(headings.contains { $0.0 == 2 && $0.1 == "1.1 Objet du document" })
        #expect(headings.contains { $0.0 == 5 && $0.1 == "2.5.3.5.3 L’adresse" })
        #expect(headings.count >= 60)
        let tables = doc.blocks.compactMap { b -> [[String]]? in
            if case let .table(rows, _, _) = b { return rows }; return nil
        }
        #expect(tables.count >= 40)
        // The address field table of page 20 comes out row by row, cells dehyphenated.
        #expect(tables.contains { $0.contains(["Libellé", "Caractéristiques", "Taille", "Typologie", "Observations"]) })
        #expect(tables.contains { $0.contains(["codePaysResidence", "Numérique", "5", "obligatoire", "Code INSEE du pays de résidence"]) })
        #expect(tables.contains { $0.contains { $0.first == "codeDepartementResidence" && $0.last == "Code INSEE du département de résidence" } })
        // Page numbers (the only running text of this spec) are gone.
        #expect(!doc.blocks.contains { b in
            if case let .paragraph(t, _) = b { return t.allSatisfy(\.isNumber) }; return false
        })
    }

    @Test func proseInLargerTypeIsNotAHeading() throws {
        func headings(_ doc: StructuredDocument) -> [String] {
            doc.blocks.compactMap { if case let .heading(_, t, _) = $0 { return t }; return nil }
        }
        // Tracemonkey's third author line (set larger than the body) is not a heading; the title is.
        let paper = headings(try Self.tracemonkey.get())
        #expect(paper.contains("Trace-based Just-in-Time Type Specialization for Dynamic Languages"))
        #expect(!paper.contains { $0.contains("Jesse Ruderman") })
        // The spec's sentences in heading type are not headings: with a full stop, or without one
        // but with a verb in a long line (pages 34, 44, 56, 69, 76).
        let spec = headings(try Self.ficoba.get())
        #expect(!spec.contains { $0.hasPrefix("La liste des codes erreur") })
        // Nor bold bulleted lines ("- Anomalies générées par l’API", seven times), nor a bold
        // line that stops on "est" and goes on below.
        #expect(!spec.contains { $0.hasPrefix("- ") || $0.hasPrefix("• ") })
        #expect(!spec.contains { $0.hasSuffix(" est") })
        #expect(spec.contains("2.5.3.4 Les établissements des gestionnaires des comptes (etablissementGestionnaire)"))
        // Nor are lead-in sentences ending with a colon.
        #expect(!spec.contains("Plusieurs types d'erreurs ou d'anomalies sont prises en compte :"))
        #expect(spec.contains("Liste des codes erreur et des libellés associés à l’API"))
        // The Chinese report's sentences in 14 pt type on page 2 are not headings.
        let cn = headings(try PDFReader.read(url: Corpus.url("plumber__issue-67-example.pdf")))
        #expect(!cn.contains { $0.hasSuffix("。") })
        #expect(cn.contains("第一节 重要提示"))
    }

    @Test func tablesCutByAPageBreakAreOneTable() throws {
        let doc = try Self.ficoba.get()
        let tables = doc.blocks.compactMap { b -> (rows: [[String]], page: Int?)? in
            if case let .table(rows, _, page) = b { return (rows, page) }; return nil
        }
        // The account fields table starts on page 16 ("iban" …) and goes on at the top of page 17
        // ("caracteristique" …) under a repeated header row: one table, the header once.
        let account = try #require(tables.first { $0.rows.contains { $0.first == "iban" } })
        #expect(account.page == 16)
        #expect(account.rows.contains { $0.first == "codeDevise" })
        #expect(account.rows.filter { $0.first == "Libellé" }.count == 1)
        // No table of the spec repeats its header row inside.
        #expect(!tables.contains { t in t.rows.dropFirst().contains { $0 == t.rows[0] } && t.rows[0].first == "Libellé" })
        // Two-column code lists running over several pages (currencies, pages 101–106) are one table.
        let currencies = try #require(tables.first { $0.rows.contains { $0.first == "CAD" } })
        #expect(currencies.rows.contains { $0.first == "YER" })
    }

    @Test func lineEndHyphenationIsUndone() throws {
        // Source: page 20 of the spec breaks "er-" / "reurs" at a line end.
        let layout = try Corpus.pdftotext(Corpus.url("apigouv__ProtocoleTechniqueFicoba3-v8.pdf"), layout: true)
        #expect(layout[19].contains("des er-\n"))
        let doc = try Self.ficoba.get()
        #expect(paragraphs(doc).contains { $0.contains("des erreurs sur le serveurs") })
        #expect(!paragraphs(doc).contains { $0.contains("er-reurs") || $0.contains("er- reurs") })
    }

    @Test func dehyphenatorKeepsRealCompounds() {
        let j = Dehyphenator(vocabulary: ["information", "e-mail"])
        #expect(j.join("une infor-", "mation utile") == "une information utile")
        #expect(j.join("il peut-", "être") == "il peut-être")
        #expect(j.join("c'est-à-", "dire") == "c'est-à-dire")
        #expect(j.join("à Saint-", "Denis") == "à Saint-Denis")
        #expect(j.join("par e-", "mail") == "par e-mail")
        #expect(j.join("de 2019-", "2023") == "de 2019-2023")
        #expect(j.join("une ligne", "suivante") == "une ligne suivante")
    }

    @Test func nonBreakingSpacesAreKept() {
        let f = FontInfo(name: "Test", size: 10)
        let text = Array("Article\u{00A0}1 :\u{202F}oui".unicodeScalars)
        let glyphs = text.enumerated().map { i, s in Glyph(scalar: s, x1: Double(i) * 5, y1: 0, x2: Double(i) * 5 + 5, y2: 10, font: f) }
        let words = PageLayout.words(from: glyphs).map(\.text)
        #expect(words.joined(separator: " ").contains("Article\u{00A0}1"))
        #expect(words.joined(separator: " ").contains(":\u{202F}oui"))
    }

    @Test func arabicComesWholeInLogicalOrderWithBaseLetters() throws {
        // Four lines of "انواع الخطوط العربية" (Arabic font types) set right to left, stored as
        // presentation forms. All four lines come back, words in reading order, as plain letters.
        let doc = try PDFReader.read(url: Corpus.url("pdfjs__ArabicCIDTrueType.pdf"))
        let all = doc.blocks.map(Corpus.text(of:)).joined(separator: "\n")
        #expect(all.components(separatedBy: "انواع الخطوط العربية").count - 1 == 4, "\(all)")
        #expect(!all.unicodeScalars.contains { PageLayout.isPresentationForm($0) })
        #expect(!all.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) })
    }

    @Test func runningHeadersAndFootersAreRemoved() throws {
        let url = Corpus.url("albert__JO-2023-06-21_decision-DINUM.pdf")
        let analysis = try PDFReader.analyze(url: url, options: PDFReaderOptions())
        #expect(analysis.removedRunningText.contains("JOURNAL OFFICIEL DE LA RÉPUBLIQUE FRANÇAISE"))
        let all = analysis.document.blocks.map(Corpus.text(of:)).joined(separator: "\n")
        #expect(!all.contains("JOURNAL OFFICIEL DE LA RÉPUBLIQUE FRANÇAISE"))
        #expect(!all.contains("Texte 5 sur 95"))
        #expect(all.contains("Délégation est donnée"))
        // The same on the 22-page Chinese report: its running title and page numbers.
        let cn = try PDFReader.analyze(url: Corpus.url("plumber__issue-67-example.pdf"), options: PDFReaderOptions())
        let cnText = cn.document.blocks.map(Corpus.text(of:))
        #expect(!cnText.contains { $0.contains("2018 年第一季度报告全文") && $0.count < 40 })
        #expect(RunningTextFilter.isPageNumber("Page 3 / 12") && RunningTextFilter.isPageNumber("- 7 -"))
        #expect(!RunningTextFilter.isPageNumber("Article 3"))
    }

    @Test func listsAndCodeAreRecognised() throws {
        let jo = try PDFReader.read(url: Corpus.url("albert__JO-2023-06-21_decision-DINUM.pdf"))
        #expect(jo.blocks.contains { b in
            if case let .listItem(t, false, _, "–", 1) = b { return t.hasPrefix("M. Ishan Bhojwani") }; return false
        })
        let doc = try Self.ficoba.get()
        #expect(doc.blocks.contains { b in
            if case let .code(t, _) = b { return t.contains("\"erreur\"") && t.contains("\n") }; return false
        })
        #expect(doc.language == "fr")
    }

    /// Pages are read by several threads, each with its own poppler handle, in whatever order
    /// they come free: the document must come out the same as when one thread reads every page
    /// in order (running headers, hyphenation vocabulary and cross-page tables are document-wide).
    @Test(arguments: ["apigouv__ProtocoleTechniqueFicoba3-v8.pdf", "pdfjs__tracemonkey.pdf",
                      "plumber__nics-background-checks-2015-11.pdf", "albert__JO-2023-06-21_decision-DINUM.pdf"])
    func parallelReadingGivesTheSameDocument(file: String) throws {
        var one = PDFReaderOptions()
        one.readerThreads = 1
        var three = PDFReaderOptions()
        three.readerThreads = 3
        let serial = try PDFReader.analyze(url: Corpus.url(file), options: one)
        #expect(serial.document.blocks.count > 5)
        for _ in 0..<3 {
            let parallel = try PDFReader.analyze(url: Corpus.url(file), options: three)
            #expect(parallel.document == serial.document)
            #expect(parallel.removedRunningText == serial.removedRunningText)
        }
    }
}
