import Foundation
import GuichetDOCX
import Testing
@testable import GuichetDOCXText

/// Rewrites that change the text: only the text may change, never the structure.
@Suite("Text transforms")
struct TransformTests {
    /// Upper-cases every paragraph (markers unchanged: digits and brackets have no case).
    static func upperCased(_ document: DOCXTextDocument) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, $0.text.uppercased()) })
    }

    @Test(arguments: Corpus.docxNames)
    func upperCaseChangesOnlyText(name: String) throws {
        let dir = try TemporaryDirectory()
        let document = try DOCXTextDocument.load(url: Corpus.url(name))
        let (data, report) = try document.rewrite(Self.upperCased(document))
        #expect(report.flattened.isEmpty)
        let before = try ZipContents(Corpus.url(name))
        let after = try ZipContents(data, in: dir)
        for part in document.textPartNames {
            let old = try OOXMLFacts.read(try #require(before.data[part]))
            let new = try OOXMLFacts.read(try #require(after.data[part]))
            // Paragraphs joined by deleted paragraph marks (tracked changes accepted) count once.
            let (oldRuns, oldStyles) = old.acceptedParagraphs
            let newRuns = new.nonEmptyParagraphs
            #expect(oldRuns.count == newRuns.count)
            // Same run properties in the same order; text upper-cased run by run.
            #expect(oldRuns.map { $0.map(\.rPr) } == newRuns.map { $0.map(\.rPr) }, "\(part): run properties changed")
            #expect(oldRuns.map { $0.map { $0.text.uppercased() } } == newRuns.map { $0.map(\.text) }, "\(part): text not upper-cased")
            #expect(new.paragraphStyles == oldStyles)
            var oldCounts = old.counts, newCounts = new.counts
            oldCounts["w:p"] = oldRuns.count
            newCounts["w:p"] = newRuns.count
            #expect(newCounts == oldCounts, "\(part): tables, drawings, notes, fields or bookmarks changed")
            #expect(new.instrTexts == old.instrTexts, "\(part): field codes changed")
        }
        // GuichetDOCX's own reader agrees (it reads every w:t of document.xml, text boxes folded in).
        let outURL = dir.file("upper.docx")
        try data.write(to: outURL)
        if name != FidelityTests.trackedChanges, let original = try? DOCXReader.text(of: Corpus.url(name)) {
            #expect(try DOCXReader.text(of: outURL) == original.map { $0.uppercased() })
        }
        let reread = try DOCXTextDocument.load(url: outURL)
        #expect(reread.paragraphs.map(\.text) == document.paragraphs.map { $0.text.uppercased() })
    }

    /// The paragraph with the most formatting groups in the docx4j manual body.
    private func richParagraph(_ document: DOCXTextDocument) throws -> DOCXParagraphText {
        try #require(document.paragraphs.filter { $0.part == "word/document.xml" }
            .max { ParagraphRewriter.split($0.text).markers.count < ParagraphRewriter.split($1.text).markers.count })
    }

    @Test(arguments: ["drop", "duplicate", "reorder", "unknown"])
    func brokenPlaceholdersFlattenWithoutLosingText(kind: String) throws {
        let dir = try TemporaryDirectory()
        let document = try DOCXTextDocument.load(url: Corpus.url("docx4j__Docx4j_GettingStarted.docx"))
        let paragraph = try richParagraph(document)
        let (segments, markers) = ParagraphRewriter.split(paragraph.text)
        #expect(markers.count >= 2, "corpus paragraph should have several formatting groups")
        var broken = markers
        switch kind {
        case "drop": broken.remove(at: 0)
        case "duplicate": broken[1] = broken[0]
        case "reorder": broken.swapAt(0, 1)
        default: broken[0] = 99
        }
        var newText = "Nouveau « texte » & <balise> 'ok' " + segments[0]
        for (k, segment) in segments.dropFirst().enumerated() {
            newText += (k < broken.count && !(kind == "drop" && k == markers.count - 1) ? "⟦\(broken[min(k, broken.count - 1)])⟧" : "") + segment
        }
        let (data, report) = try document.rewrite([paragraph.id: newText])
        #expect(report.flattened == [paragraph.id])
        let after = try ZipContents(data, in: dir)
        let xml = try #require(after.data["word/document.xml"])
        let facts = try OOXMLFacts.read(xml)  // throws if the XML is not well-formed
        #expect(!facts.paragraphs.isEmpty)
        try data.write(to: dir.file("o.docx"))
        let reread = try DOCXTextDocument.load(url: dir.file("o.docx"))
        let stripped = ParagraphRewriter.split(newText).segments.joined()
        #expect(reread.paragraphs[paragraph.id].text == stripped, "text lost or markers left")
        #expect(reread.paragraphs.count == document.paragraphs.count)
    }

    @Test func matchingPlaceholdersKeepEachGroupsFormatting() throws {
        let dir = try TemporaryDirectory()
        let document = try DOCXTextDocument.load(url: Corpus.url("docx4j__Docx4j_GettingStarted.docx"))
        let paragraph = try richParagraph(document)
        let (segments, markers) = ParagraphRewriter.split(paragraph.text)
        var newText = ""
        for (k, _) in segments.enumerated() { newText += (k > 0 ? "⟦\(markers[k - 1])⟧" : "") + "segment \(k) \t<&>" }
        let (data, report) = try document.rewrite([paragraph.id: newText])
        #expect(report.flattened.isEmpty)
        try data.write(to: dir.file("o.docx"))
        #expect(try DOCXTextDocument.load(url: dir.file("o.docx")).paragraphs[paragraph.id].text == newText)
    }

    /// test16 stores its text boxes twice (DrawingML in mc:Choice, VML in mc:Fallback): the
    /// box text is listed once and written to both copies.
    @Test func textBoxStoredTwiceIsListedOnceAndWrittenTwice() throws {
        let dir = try TemporaryDirectory()
        let url = Corpus.url("nwe__test16.docx")
        let document = try DOCXTextDocument.load(url: url)
        let original = try OOXMLFacts.read(try #require(try ZipContents(url).data["word/document.xml"]))
        #expect(!original.fallbackBoxText.isEmpty && original.fallbackBoxText == original.choiceBoxText)
        let boxTexts = original.choiceBoxText.filter { !$0.isEmpty }
        // Listed once: each box paragraph text appears as many times as in the Choice copies.
        for text in Set(boxTexts) {
            #expect(document.paragraphs.filter { $0.text == text }.count == boxTexts.filter { $0 == text }.count, "\(text)")
        }
        let edits = Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, "«\($0.id)» " + $0.text) })
        let (data, _) = try document.rewrite(edits)
        let after = try OOXMLFacts.read(try #require(try ZipContents(data, in: dir).data["word/document.xml"]))
        #expect(after.fallbackBoxText == after.choiceBoxText)
        #expect(after.choiceBoxText.count == original.choiceBoxText.count)
        #expect(after.fallbackBoxText.filter { $0.hasPrefix("«") }.count == original.fallbackBoxText.count)
    }

    /// Field codes are never offered as text and survive a rewrite byte for byte.
    @Test(arguments: ["docx4j__Docx4j_GettingStarted.docx", "nwe__test07.docx", "pandoc__table_captions_with_field.docx"])
    func fieldCodesAreNeverTextAndStayIdentical(name: String) throws {
        let dir = try TemporaryDirectory()
        let url = Corpus.url(name)
        let document = try DOCXTextDocument.load(url: url)
        let before = try ZipContents(url)
        let (data, _) = try document.rewrite(Self.upperCased(document))
        let after = try ZipContents(data, in: dir)
        var codes = 0
        for part in document.textPartNames {
            let old = String(decoding: try #require(before.data[part]), as: UTF8.self)
            let new = String(decoding: try #require(after.data[part]), as: UTF8.self)
            let pattern = #/<w:instrText[^>]*>[^<]*</w:instrText>|<w:fldChar[^>]*/>|<w:fldChar[^>]*>.*?</w:fldChar>|<w:fldSimple [^>]*>/#
            let oldCodes = old.matches(of: pattern).map { String($0.output) }
            #expect(oldCodes == new.matches(of: pattern).map { String($0.output) }, "\(part): field markup changed")
            codes += oldCodes.count
            for instr in try OOXMLFacts.read(Data(old.utf8)).instrTexts {
                let keyword = instr.trimmingCharacters(in: .whitespaces)
                guard keyword.count > 4 else { continue }
                #expect(!document.paragraphs.contains { $0.text.contains(keyword) }, "field code \(keyword) offered as text")
            }
        }
        #expect(codes > 0, "corpus file should contain fields")
    }
}
