import Foundation
import Testing
@testable import GuichetDOCXText

/// What `paragraphs` lists, and in which order.
@Suite("Paragraph listing")
struct ReadingOrderTests {
    @Test(arguments: Corpus.docxNames)
    func bodyFirstThenHeadersFootersNotes(name: String) throws {
        let document = try DOCXTextDocument.load(url: Corpus.url(name))
        #expect(document.textPartNames.first == "word/document.xml")
        #expect(document.paragraphs.first?.part == "word/document.xml")
        // Parts appear as contiguous blocks, in textPartNames order.
        var blocks: [String] = []
        for paragraph in document.paragraphs where blocks.last != paragraph.part { blocks.append(paragraph.part) }
        #expect(blocks == document.textPartNames.filter(blocks.contains))
        #expect(!document.paragraphs.contains { $0.text.contains("\u{0}") })
    }

    @Test func headersFootersAndNotesAreListed() throws {
        let letter = try DOCXTextDocument.load(url: Corpus.url("cdtn__reclamation_des_heures_sup.docx"))
        #expect(letter.paragraphs.contains { $0.part == "word/header1.xml" })
        #expect(letter.paragraphs.contains { $0.part == "word/footer1.xml" })
        let boxes = try DOCXTextDocument.load(url: Corpus.url("nwe__test16.docx"))
        #expect(boxes.paragraphs.contains { $0.part == "word/header1.xml" && !$0.text.isEmpty })
        let manual = try DOCXTextDocument.load(url: Corpus.url("docx4j__Docx4j_GettingStarted.docx"))
        #expect(manual.paragraphs.contains { $0.part == "word/footnotes.xml" && $0.text.count > 10 })
        // Comments are not offered by default.
        let commented = try DOCXTextDocument.load(url: Corpus.url("d2p__test_file_with_comments.docx"))
        #expect(!commented.textPartNames.contains("word/comments.xml"))
    }

    @Test func textBoxesStoredTwiceArePairedOnce() throws {
        for name in ["nwe__test16.docx", "d2p__libreoffice_conversion.docx"] {
            let document = try DOCXTextDocument.load(url: Corpus.url(name))
            #expect(document.fallbackParagraphCount > 0, "\(name)")
            #expect(document.pairedFallbackParagraphCount == document.fallbackParagraphCount, "\(name)")
        }
    }

    /// Hyperlink text and field results are visible text; deleted text and field codes are not.
    @Test func trackedChangesHyperlinksAndFields() throws {
        let document = try DOCXTextDocument.load(url: Corpus.url("nwe__bigfile-01.docx"))
        #expect(document.paragraphs.filter(\.hasTrackedChanges).count > 10)
        let all = document.paragraphs.map(\.text).joined(separator: "\n")
        #expect(all.contains("ray@camdenfamily.com"))  // inside w:hyperlink
        #expect(all.contains("http://www.coldfusionjedi.com/forums/forums.cfm?conferenceid="))  // HYPERLINK field result
        #expect(!all.contains(" HYPERLINK "))
        // Every w:delText string of the file is absent from the listed text (when not also present elsewhere).
        let xml = String(decoding: try #require(try ZipContents(Corpus.url("nwe__bigfile-01.docx")).data["word/document.xml"]), as: UTF8.self)
        let deleted = xml.matches(of: #/<w:delText[^>]*>([^<]{12,})</w:delText>/#).map { String($0.output.1) }
        #expect(!deleted.isEmpty)
        let visible = xml.matches(of: #/<w:t(?: [^>]*)?>([^<]*)</w:t>/#).map { String($0.output.1) }.joined()
        let onlyDeleted = deleted.filter { !visible.contains($0) }
        #expect(onlyDeleted.count >= 3)
        for text in onlyDeleted {
            #expect(!all.contains(text), "deleted text offered: \(text)")
        }
    }
}
