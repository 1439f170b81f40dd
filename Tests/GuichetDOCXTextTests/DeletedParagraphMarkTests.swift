import Foundation
import GuichetDOCX
import Testing
@testable import GuichetDOCXText

/// A deleted paragraph mark (`w:pPr/w:rPr/w:del`) joins its paragraph to the next one when the
/// tracked changes are accepted: the text is offered as one paragraph, and a rewrite writes one
/// paragraph, with the properties of the last one (whose mark survives).
@Suite("Deleted paragraph marks")
struct DeletedParagraphMarkTests {
    static let ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
    static let deletedMark = "<w:rPr><w:del w:id=\"90\" w:author=\"A\" w:date=\"2024-01-01T00:00:00Z\"/></w:rPr>"

    static func paragraph(_ text: String, style: String? = nil, markDeleted: Bool = false, extra: String = "") -> String {
        var pPr = style.map { "<w:pStyle w:val=\"\($0)\"/>" } ?? ""
        if markDeleted { pPr += deletedMark }
        return "<w:p w:rsidR=\"\(text.count)\">" + (pPr.isEmpty ? "" : "<w:pPr>\(pPr)</w:pPr>") + extra
            + (text.isEmpty ? "" : "<w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r>") + "</w:p>"
    }

    static func makeDOCX(_ body: String, in dir: TemporaryDirectory) throws -> URL {
        let url = dir.file("marks-\(UUID().uuidString).docx")
        let writer = try ZipWriter(creatingAt: url)
        try writer.add(name: "[Content_Types].xml", data: Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>".utf8))
        try writer.add(name: "word/document.xml", data: Data("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document \(ns)><w:body>\(body)<w:sectPr/></w:body></w:document>".utf8))
        try writer.close()
        return url
    }

    /// Rewrites every paragraph with `transform` of its text and returns the new document.xml.
    static func rewritten(_ url: URL, in dir: TemporaryDirectory, _ transform: (String) -> String = { $0 }) throws -> (DOCXTextDocument, String, DOCXTextDocument) {
        let document = try DOCXTextDocument.load(url: url)
        let (data, report) = try document.rewrite(Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, transform($0.text)) }))
        #expect(report.trackedChangesAccepted == document.paragraphs.contains(where: \.hasTrackedChanges))
        let out = dir.file("out-\(UUID().uuidString).docx")
        try data.write(to: out)
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        return (document, xml, try DOCXTextDocument.load(url: out))
    }

    static func body(_ xml: String) -> String {
        guard let start = xml.range(of: "<w:body>"), let end = xml.range(of: "<w:sectPr/>") else { return xml }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test func twoParagraphsJoinedAreOfferedAndWrittenAsOne() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Premier morceau, ", style: "Corps", markDeleted: true)
                                    + Self.paragraph("suite de la phrase.", style: "Titre2") + Self.paragraph("Après."), in: dir)
        let (document, xml, reread) = try Self.rewritten(url, in: dir) { $0.uppercased() }
        #expect(document.paragraphs.map(\.text) == ["Premier morceau, suite de la phrase.", "Après."])
        #expect(document.paragraphs[0].hasTrackedChanges && !document.paragraphs[1].hasTrackedChanges)
        #expect(reread.paragraphs.map(\.text) == ["PREMIER MORCEAU, SUITE DE LA PHRASE.", "APRÈS."])
        let body = Self.body(xml)
        #expect(!body.contains("w:del"))
        #expect(!body.contains("Corps"), "the first paragraph's properties go with its deleted mark")
        #expect(body.hasPrefix("<w:p w:rsidR=\"19\"><w:pPr><w:pStyle w:val=\"Titre2\"/></w:pPr>"), "\(body)")
        let facts = try OOXMLFacts.read(Data(xml.utf8))
        #expect(facts.paragraphs.count == 2 && facts.paragraphStyles == ["Titre2", ""])
    }

    /// A paragraph deleted whole (its text and its mark) disappears; the next one is unchanged.
    @Test func aParagraphDeletedWholeDisappears() throws {
        let dir = try TemporaryDirectory()
        let deletedRun = "<w:del w:id=\"91\" w:author=\"A\" w:date=\"2024-01-01T00:00:00Z\"><w:r><w:delText>Ancien paragraphe.</w:delText></w:r></w:del>"
        let url = try Self.makeDOCX(Self.paragraph("", style: "Corps", markDeleted: true, extra: deletedRun)
                                    + Self.paragraph("Garde ceci.", style: "Titre1"), in: dir)
        let (document, xml, reread) = try Self.rewritten(url, in: dir)
        #expect(document.paragraphs.map(\.text) == ["Garde ceci."])
        #expect(reread.paragraphs.map(\.text) == ["Garde ceci."])
        #expect(Self.body(xml) == Self.paragraph("Garde ceci.", style: "Titre1"))
    }

    /// Word's own case (corpus file nwe__bigfile-01.docx): the next paragraph is an empty
    /// self-closing `<w:p/>`.
    @Test func joinsAnEmptySelfClosingParagraph() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Texte gardé.", markDeleted: true) + "<w:p w:rsidR=\"E\"/>" + Self.paragraph("Titre", style: "Titre3"), in: dir)
        let (document, xml, reread) = try Self.rewritten(url, in: dir)
        #expect(document.paragraphs.map(\.text) == ["Texte gardé.", "Titre"])
        #expect(reread.paragraphs.map(\.text) == ["Texte gardé.", "Titre"])
        #expect(Self.body(xml).hasPrefix("<w:p w:rsidR=\"E\"><w:r><w:t xml:space=\"preserve\">Texte gardé.</w:t></w:r></w:p><w:p"), "\(Self.body(xml))")
    }

    @Test func aChainOfDeletedMarksJoinsThreeParagraphs() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Un ", markDeleted: true) + Self.paragraph("deux ", markDeleted: true)
                                    + Self.paragraph("trois.", style: "Fin"), in: dir)
        let (document, xml, reread) = try Self.rewritten(url, in: dir)
        #expect(document.paragraphs.map(\.text) == ["Un deux trois."])
        #expect(reread.paragraphs.map(\.text) == ["Un deux trois."])
        let facts = try OOXMLFacts.read(Data(xml.utf8))
        #expect(facts.paragraphs.count == 1 && facts.paragraphStyles == ["Fin"])
    }

    /// Bookmarks between the two paragraphs end up inside the joined one (allowed there).
    @Test func rangeMarksBetweenParagraphsAreKept() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Avant ", markDeleted: true) + "<w:bookmarkEnd w:id=\"3\"/>" + Self.paragraph("après."), in: dir)
        let (document, xml, _) = try Self.rewritten(url, in: dir)
        #expect(document.paragraphs.map(\.text) == ["Avant après."])
        #expect(Self.body(xml).contains("</w:r><w:bookmarkEnd w:id=\"3\"/><w:r>"), "\(Self.body(xml))")
    }

    /// The last paragraph of a table cell has nothing to join: it stays (with its mark).
    @Test func noNextParagraphInTheSameContainerLeavesTheMark() throws {
        let dir = try TemporaryDirectory()
        let table = "<w:tbl><w:tr><w:tc>" + Self.paragraph("Cellule", markDeleted: true) + "</w:tc></w:tr></w:tbl>"
        let url = try Self.makeDOCX(table + Self.paragraph("Dehors."), in: dir)
        let (document, xml, reread) = try Self.rewritten(url, in: dir)
        #expect(document.paragraphs.map(\.text) == ["Cellule", "Dehors."])
        #expect(reread.paragraphs.map(\.text) == ["Cellule", "Dehors."])
        #expect(xml.contains("<w:tc><w:p w:rsidR=\"7\"><w:pPr>\(Self.deletedMark)</w:pPr>"))
    }

    /// Not rewritten, not touched: the package comes back byte for byte.
    @Test func joinedParagraphsNotRewrittenStayAsTheyWere() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Un ", markDeleted: true) + Self.paragraph("deux.") + Self.paragraph("Autre."), in: dir)
        let document = try DOCXTextDocument.load(url: url)
        let (data, report) = try document.rewrite([1: "Autre chose."])
        #expect(!report.trackedChangesAccepted)
        let out = dir.file("o.docx")
        try data.write(to: out)
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        #expect(xml.contains(Self.paragraph("Un ", markDeleted: true) + Self.paragraph("deux.")))
    }

    /// Proofreading output (tracked changes) on a joined paragraph: the old mark is accepted,
    /// the new revisions apply to the joined text.
    @Test func revisionsOnAJoinedParagraph() throws {
        let dir = try TemporaryDirectory()
        let url = try Self.makeDOCX(Self.paragraph("Les enfant ", markDeleted: true) + Self.paragraph("sont partis."), in: dir)
        let document = try DOCXTextDocument.load(url: url)
        #expect(document.paragraphs.map(\.text) == ["Les enfant sont partis."])
        let (data, report) = try document.rewriteAsRevisions([0: "Les enfants sont partis."], author: "Guichet", date: Date(timeIntervalSince1970: 0))
        #expect(report.trackedChangesAccepted)
        let out = dir.file("r.docx")
        try data.write(to: out)
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        let facts = try OOXMLFacts.read(Data(xml.utf8))
        #expect(facts.paragraphs.count == 1)
        #expect(!xml.contains("w:id=\"90\""), "the old deleted mark is gone")
        #expect(xml.contains("<w:ins "))
    }
}
