import Foundation
import Testing
@testable import GuichetDocuments

@Suite struct DecodingTests {
    @Test func formatsFromExtensions() throws {
        #expect(DocumentFormat(fileExtension: "MD") == .markdown)
        #expect(DocumentFormat(fileExtension: "mdown") == .markdown)
        #expect(DocumentFormat(fileExtension: "Txt") == .plainText)
        #expect(DocumentFormat(fileExtension: "docx") == nil)
        #expect(try DocumentFormat(fileName: "notes.Markdown") == .markdown)
        for name in ["rapport.docx", "README"] {
            do { _ = try DocumentFormat(fileName: name); Issue.record("accepted \(name)") } catch {
                #expect(error.code == .unsupportedFormat)
                #expect(error.userMessageFR.contains(".md"))
            }
        }
    }

    @Test func invalidUTF8ReportsLineAndOffset() {
        var data = Data("ligne 1\nligne 2\nligne ".utf8)
        data.append(0xE9)  // Latin-1 "é"
        data.append(contentsOf: Array("\n".utf8))
        do {
            _ = try TextDecoding.decode(data)
            Issue.record("accepted Latin-1")
        } catch {
            #expect(error.code == .invalidEncoding)
            #expect(error.line == 3)
            #expect(error.message.contains("offset 22"))
            #expect(error.userMessageFR.contains("UTF-8 (ligne 3)"))
        }
        // Truncated multi-byte sequence at the very end.
        #expect(throws: DocumentError.self) { try TextDecoding.decode(Data([0x61, 0xC3])) }
    }

    @Test func emptyAndBinaryFilesAreRefused() {
        for data in [Data(), Data(" \n\t\r\n".utf8), Data([0xEF, 0xBB, 0xBF])] {
            do { _ = try TextDecoding.decode(data); Issue.record("accepted empty") } catch {
                #expect(error.code == .emptyDocument)
                #expect(!error.userMessageFR.isEmpty)
            }
        }
        do { _ = try TextDecoding.decode(Data([0x61, 0x00, 0x62])); Issue.record("accepted NUL") } catch {
            #expect(error.code == .binaryContent)
        }
    }

    @Test func bomIsStrippedAndRestored() throws {
        let data = Data([0xEF, 0xBB, 0xBF] + Array("# Titre\n\nTexte.\n".utf8))
        let doc = try TextDocument(format: .markdown, data: data)
        #expect(doc.hasByteOrderMark)
        #expect(doc.segments.first?.text == "Titre")
        #expect(try doc.renderData() == data)
        let translated = try doc.renderData(replacing: [0: "Title"])
        #expect(translated.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(try TextDecoding.decode(translated) == "# Title\n\nTexte.\n")
    }

    @Test func crlfIsPreserved() throws {
        let source = "# Titre\r\n\r\n- un\r\n  deux\r\n\r\n```\r\ncode\r\n```\r\nFin sans retour"
        let doc = TextDocument(format: .markdown, text: source)
        #expect(try doc.render() == source)
        #expect(doc.segments.map(\.text) == ["Titre", "un\ndeux", "Fin sans retour"])
        let output = try doc.render(replacing: [1: "one\ntwo\nthree", 2: "End"])
        #expect(output == "# Titre\r\n\r\n- one\r\n  two\r\n  three\r\n\r\n```\r\ncode\r\n```\r\nEnd")
    }

    @Test func plainTextParagraphs() throws {
        let source = "  Premier paragraphe\nsur deux lignes.  \n\n\nSecond ⟦1⟧ paragraphe.\n\n# pas un titre, voir https://a.fr/x.\n"
        let doc = TextDocument(format: .plainText, text: source)
        #expect(doc.segments.map(\.text) == ["Premier paragraphe\nsur deux lignes.", "Second ⟦1⟧ paragraphe.",
                                             "# pas un titre, voir ⟦1⟧."])
        #expect(try doc.render() == source)
        let chunk = Chunker(tokenBudget: 1000).chunks(for: doc)[0]
        let results = try doc.parseResponse("First paragraph.\n\nSecond ⟦1⟧ paragraph.\n\n# not a title, see ⟦1⟧.", for: chunk)
        #expect(try doc.render(replacing: results)
            == "  First paragraph.  \n\n\nSecond ⟦1⟧ paragraph.\n\n# not a title, see https://a.fr/x.\n")
    }
}
