import Foundation
import Testing
import GuichetDocumentModel
@testable import GuichetDOCX

@Suite("DOCXWriter package and WordprocessingML")
struct DOCXWriterTests {
    static let expectedParts = [
        "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
        "word/styles.xml", "word/numbering.xml", "word/settings.xml", "docProps/core.xml", "docProps/app.xml",
    ]

    /// Writes the sample and hands the reader, the parsed document.xml and the file to `body`;
    /// the temporary directory lives until `body` returns.
    private func withSample(_ body: (ZipReader, XMLNode, URL) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        try withExtendedLifetime(dir) {
            let url = dir.file("sample.docx")
            try DOCXWriter.write(Sample.document, to: url, properties: Sample.properties)
            let reader = try ZipReader(url: url)
            let document = try XMLNode.parse(reader.data(named: "word/document.xml"))
            try body(reader, document, url)
        }
    }

    private func paragraph(_ text: String, in document: XMLNode) -> XMLNode? {
        document.all("w:p").first { $0.all("w:t").map(\.allText).joined() == text }
    }

    @Test func packageHasAllPartsContentTypesFirst() throws {
        try withSample { reader, _, _ in
            #expect(reader.entries.first?.name == "[Content_Types].xml")
            #expect(Set(reader.entries.map(\.name)) == Set(Self.expectedParts))
            for entry in reader.entries {
                #expect(throws: Never.self, "\(entry.name) must be well-formed") { try XMLNode.parse(reader.data(of: entry)) }
            }
            let types = try XMLNode.parse(reader.data(named: "[Content_Types].xml"))
            let overrides = Set(types.all("Override").compactMap { $0.attributes["PartName"] })
            for part in Self.expectedParts where !part.hasSuffix(".rels") && part != "[Content_Types].xml" {
                #expect(overrides.contains("/" + part), "\(part) must have a content type")
            }
        }
    }

    @Test func headingsCarryHeadingStyles() throws {
        try withSample { _, document, _ in
            func style(_ text: String) -> String? {
                paragraph(text, in: document)?.first("w:pStyle")?.attributes["w:val"]
            }
            #expect(style("Rapport d'activité") == "Title")
            #expect(style("Introduction générale") == "Heading1")
            #expect(style("Détails du dossier") == "Heading2")
            #expect(style("Entre deux listes") == nil)  // Normal is the default style
        }
    }

    @Test func listsCarryNumberingWithLevels() throws {
        try withSample { reader, document, _ in
            func numbering(_ text: String) -> (ilvl: String?, numId: String?, style: String?) {
                let p = paragraph(text, in: document)
                return (p?.first("w:ilvl")?.attributes["w:val"], p?.first("w:numId")?.attributes["w:val"],
                        p?.first("w:pStyle")?.attributes["w:val"])
            }
            let bullet0 = numbering("Premier point"), bullet1 = numbering("Sous-point imbriqué")
            let ordered0 = numbering("Étape un"), ordered1 = numbering("Sous-étape"), restarted = numbering("Reprise à un")
            #expect(bullet0.style == "ListParagraph" && bullet0.ilvl == "0")
            #expect(bullet1.ilvl == "1" && bullet1.numId == bullet0.numId)
            #expect(ordered0.ilvl == "0" && ordered1.ilvl == "1" && ordered1.numId == ordered0.numId)
            #expect(ordered0.numId != bullet0.numId)
            #expect(restarted.numId != nil && restarted.numId != ordered0.numId, "a new ordered list must restart")

            let numbering = try XMLNode.parse(reader.data(named: "word/numbering.xml"))
            let abstracts = numbering.all("w:abstractNum")
            #expect(abstracts.count == 2)
            #expect(abstracts.allSatisfy { $0.all("w:lvl").count == 9 })
            #expect(Set(abstracts.flatMap { $0.all("w:numFmt") }.compactMap { $0.attributes["w:val"] }) == ["bullet", "decimal"])
            for id in [ordered0.numId, restarted.numId] {
                let num = numbering.all("w:num").first { $0.attributes["w:numId"] == id }
                #expect(num?.first("w:startOverride")?.attributes["w:val"] == "1")
            }
        }
    }

    @Test func tableHasRowsCellsGridAndRepeatedHeader() throws {
        try withSample { _, document, _ in
            let tables = document.all("w:tbl")
            #expect(tables.count == 1)
            let table = try #require(tables.first)
            #expect(table.first("w:tblStyle")?.attributes["w:val"] == "TableGrid")
            #expect(table.all("w:gridCol").count == 4)
            let rows = table.all("w:tr")
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0.all("w:tc").count == 4 })
            #expect(rows[0].first("w:tblHeader") != nil)
            #expect(rows[1].first("w:tblHeader") == nil)
            let cells = rows.map { $0.all("w:tc").map { $0.all("w:t").map(\.allText).joined() } }
            #expect(cells == Sample.tableRows)
        }
    }

    @Test func codeKeepsSpacesAndPageBreakIsPresent() throws {
        try withSample { _, document, _ in
            let codeLines = document.all("w:p").filter { $0.first("w:pStyle")?.attributes["w:val"] == "Code" }
            #expect(codeLines.count == 4)
            let indented = try #require(codeLines.dropFirst().first)
            #expect(indented.first("w:t")?.attributes["xml:space"] == "preserve")
            #expect(indented.first("w:t")?.allText == "    print(\"<ok> & done\")")
            #expect(codeLines[2].first("w:tab") != nil)
            #expect(document.all("w:br").contains { $0.attributes["w:type"] == "page" })
            #expect(document.first("w:sectPr")?.first("w:footerReference") == nil)
        }
    }

    @Test func textRoundTripsExactlyThroughDOCXReader() throws {
        try withSample { _, _, url in
            let paragraphs = try DOCXReader.text(of: url)
            for expected in [Sample.scriptParagraph, Sample.accentParagraph, "Rapport d'activité",
                             "Sous-point imbriqué", "Saint-Étienne", "    print(\"<ok> & done\")", "\tlet x = 1"] {
                #expect(paragraphs.contains(expected), "missing \(expected)")
            }
            #expect(paragraphs.contains { $0.contains("\u{00A0}") }, "NBSP must survive")
                // The page-break paragraph reads as "" (a page break is not a line break).
                let afterBreak = try #require(paragraphs.firstIndex(of: "Après le saut de page"))
                #expect(paragraphs[afterBreak - 1] == "" && paragraphs[afterBreak - 2] == "}")
        }
    }

    @Test func stylesAreRealStyles() throws {
        try withSample { reader, _, _ in
            let styles = try XMLNode.parse(reader.data(named: "word/styles.xml"))
            func style(_ id: String) -> XMLNode? { styles.all("w:style").first { $0.attributes["w:styleId"] == id } }
            for level in 1...6 {
                let heading = try #require(style("Heading\(level)"))
                #expect(heading.first("w:outlineLvl")?.attributes["w:val"] == String(level - 1))
                #expect(heading.first("w:name")?.attributes["w:val"] == "heading \(level)")
            }
            for id in ["Normal", "Title", "ListParagraph"] { #expect(style(id) != nil, "\(id)") }
            #expect(style("Code")?.first("w:rFonts")?.attributes["w:ascii"] == "Courier New")
            #expect(style("TableGrid")?.first("w:tblBorders")?.children.count == 6)
            #expect(styles.all("w:lang").allSatisfy { $0.attributes["w:val"] == "fr-FR" })
            #expect(!styles.all("w:lang").isEmpty)
        }
    }

    @Test func forbiddenCharactersAreRemovedTabsAndNewlinesMapped() throws {
        let doc = StructuredDocument(blocks: [
            .paragraph(text: "a\u{0001}b\u{FFFF}c\u{FFFE}d\u{000B}e", page: nil),
            .paragraph(text: "col1\tcol2\nligne 2\r\nligne 3", page: nil),
            .heading(level: 9, text: "trop profond", page: nil),
        ])
        let dir = try TemporaryDirectory()
        let url = dir.file("chars.docx")
        try DOCXWriter.write(doc, to: url, properties: DOCXProperties(title: "t\u{0000}itre <&>"))
        #expect(try DOCXReader.text(of: url) == ["abcde", "col1\tcol2\nligne 2\nligne 3", "trop profond"])
        let reader = try ZipReader(url: url)
        let xml = try XMLNode.parse(reader.data(named: "word/document.xml"))
        #expect(xml.all("w:tab").count == 1 && xml.all("w:br").count == 2)
        #expect(xml.first("w:pStyle")?.attributes["w:val"] == "Heading6")
        #expect(try XMLNode.parse(reader.data(named: "docProps/core.xml")).first("dc:title")?.allText == "titre <&>")
    }

    @Test func writeReplacesExistingFileAndDataMatches() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("out.docx")
        try Data("old".utf8).write(to: url)
        try DOCXWriter.write(Sample.document, to: url, properties: Sample.properties)
        #expect(try ZipReader(url: url).entries.count == Self.expectedParts.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["out.docx"], "no temp file left")
        let bytes = try DOCXWriter.data(Sample.document, properties: Sample.properties)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // "PK\3\4"
    }

    @Test func largeDocumentWritesAllParagraphs() throws {
        let blocks = (0..<2_000).map { i -> StructuredDocument.Block in
            i % 100 == 0 ? .heading(level: 2, text: "Section \(i / 100)", page: nil)
                : .paragraph(text: "Paragraphe n° \(i) : « texte » répété & échappé <ok>.", page: nil)
        }
        let dir = try TemporaryDirectory()
        let url = dir.file("large.docx")
        try DOCXWriter.write(StructuredDocument(blocks: blocks), to: url, properties: DOCXProperties())
        let paragraphs = try DOCXReader.text(of: url)
        #expect(paragraphs.count == 2_000)
        #expect(paragraphs.last == "Paragraphe n° 1999 : « texte » répété & échappé <ok>.")
    }
}
