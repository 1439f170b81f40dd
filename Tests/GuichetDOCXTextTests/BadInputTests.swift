import Foundation
import GuichetDOCX
import Testing
@testable import GuichetDOCXText

/// Every refused input gets its precise code and a French message for the person who sent it.
@Suite("Bad input is refused with the right reason")
struct BadInputTests {
    static let contentTypes = Data("""
        <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>
        """.utf8)
    static func documentXML(_ body: String, prolog: String = "") -> Data {
        Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + prolog
            + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
            + body + "</w:body></w:document>").utf8)
    }

    private func makeZip(_ dir: TemporaryDirectory, _ name: String, _ entries: [(String, Data)]) throws -> URL {
        let url = dir.file(name)
        let writer = try ZipWriter(creatingAt: url)
        for (entry, data) in entries { try writer.add(name: entry, data: data) }
        try writer.close()
        return url
    }

    private func expectRefusal(_ url: URL, _ code: DOCXTextError.Code, limits: DOCXTextLimits = .init(),
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try DOCXTextDocument.load(url: url, limits: limits)
            Issue.record("expected \(code), the file was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.userMessageFR.count > 60 && error.userMessageFR.contains("déposez-le à nouveau"), sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test func aMinimalValidDocumentLoadsAndRewrites() throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "ok.docx", [("[Content_Types].xml", Self.contentTypes),
                                               ("word/document.xml", Self.documentXML("<w:p><w:r><w:t>Bonjour</w:t></w:r></w:p><w:p/>"))])
        let document = try DOCXTextDocument.load(url: url)
        #expect(document.paragraphs.map(\.text) == ["Bonjour", ""])
        let (data, _) = try document.rewrite([0: "Salut\tà\ntous & \u{0007}<fin>", 1: "Nouveau"])
        let out = dir.file("out.docx")
        try data.write(to: out)
        #expect(try DOCXTextDocument.load(url: out).paragraphs.map(\.text) == ["Salut\tà\ntous & <fin>", "Nouveau"])
    }

    @Test func notAZip() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("lettre.docx")
        try Data("Ceci n'est pas une archive zip.".utf8).write(to: url)
        expectRefusal(url, .notAZip)
    }

    @Test func aZipThatIsNotADOCX() throws {
        let dir = try TemporaryDirectory()
        expectRefusal(try makeZip(dir, "archive.docx", [("notes.txt", Data("bonjour".utf8))]), .notADOCX)
        expectRefusal(try makeZip(dir, "no-types.docx", [("word/document.xml", Self.documentXML(""))]), .notADOCX)
    }

    @Test func legacyDocAndEncryptedDocx() throws {
        let dir = try TemporaryDirectory()
        let ole2 = Data(FileSignature.ole2) + Data(count: 4096)
        let doc = dir.file("ancien.docx")
        try ole2.write(to: doc)
        expectRefusal(doc, .legacyDOC)
        do {
            _ = try DOCXTextDocument.load(url: doc)
            Issue.record("legacy .doc accepted")
        } catch {
            #expect(error.userMessageFR == "Ce fichier est au format Word 97-2003 (.doc). Ouvrez-le dans Word ou LibreOffice, enregistrez-le au format .docx, puis déposez-le à nouveau.")
        }
        // Encrypted OOXML: OLE2 whose directory holds an "EncryptedPackage" stream (UTF-16LE name).
        let name = Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let encrypted = dir.file("protege.docx")
        try (Data(FileSignature.ole2) + Data(count: 1024) + name + Data(count: 1024)).write(to: encrypted)
        expectRefusal(encrypted, .encrypted)
    }

    /// 200 MB of zeros deflate to ~200 KB: refused before anything is inflated.
    @Test func zipBomb() throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "bombe.docx", [("[Content_Types].xml", Self.contentTypes), ("word/document.xml", Data(count: 200 << 20))])
        expectRefusal(url, .zipBomb)
        expectRefusal(url, .zipBomb, limits: DOCXTextLimits(zip: ZipLimits(maxTotalUncompressedSize: 50 << 20, maxCompressionRatio: 10_000)))
    }

    /// A harmless name patched into `../evil.xml` in both the local header and the central
    /// directory (names are not checksummed), as GuichetDOCXTests does.
    @Test func entryNameClimbingOut() throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "evil.docx", [("[Content_Types].xml", Self.contentTypes),
                                                 ("word/document.xml", Self.documentXML("")), ("zz/evil.xml", Data("x".utf8))])
        var bytes = try Data(contentsOf: url)
        var patched = 0
        while let range = bytes.range(of: Data("zz/evil.xml".utf8)) {
            bytes.replaceSubrange(range, with: Data("../evil.xml".utf8))
            patched += 1
        }
        #expect(patched == 2)
        try bytes.write(to: url)
        expectRefusal(url, .unsafeEntryName)
    }

    @Test(arguments: [
        "<!DOCTYPE w:document [<!ENTITY x \"boom\">]>",
        "<!DOCTYPE w:document SYSTEM \"file:///etc/passwd\">",
        "<!doctype w:document [<!ENTITY a \"a\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    ])
    func doctypeOrEntitiesAreRefused(prolog: String) throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "dtd.docx", [("[Content_Types].xml", Self.contentTypes),
                                                ("word/document.xml", Self.documentXML("<w:p><w:r><w:t>&x;</w:t></w:r></w:p>", prolog: prolog))])
        expectRefusal(url, .forbiddenDTD)
        // The same in a footer is refused as well.
        let footer = try makeZip(dir, "dtd-footer.docx", [
            ("[Content_Types].xml", Self.contentTypes), ("word/document.xml", Self.documentXML("")),
            ("word/footer1.xml", Self.documentXML("", prolog: prolog)),
        ])
        expectRefusal(footer, .forbiddenDTD)
    }

    @Test(arguments: ["<w:p><w:r><w:t>ouvert</w:r></w:p>", "<w:p><w:r><w:t>&inconnu;</w:t></w:r></w:p>", "<w:p>"])
    func malformedXMLIsRefused(body: String) throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "casse.docx", [("[Content_Types].xml", Self.contentTypes), ("word/document.xml", Self.documentXML(body))])
        expectRefusal(url, .malformedXML)
    }

    @Test func thousandsOfParts() throws {
        let dir = try TemporaryDirectory()
        var entries = [("[Content_Types].xml", Self.contentTypes), ("word/document.xml", Self.documentXML(""))]
        entries += (0..<2_100).map { ("word/media/p\($0).xml", Data("\($0)".utf8)) }
        let url = try makeZip(dir, "parts.docx", entries)
        expectRefusal(url, .tooManyParts)  // over the default maxParts (2,000), under the zip limit
        expectRefusal(url, .tooManyParts, limits: DOCXTextLimits(zip: ZipLimits(maxEntries: 500), maxParts: 100_000))
    }

    @Test func everyCodeHasAFrenchMessage() {
        for code in DOCXTextError.Code.allCases {
            let message = DOCXTextError(code, "x").userMessageFR
            #expect(message.count > 60 && message.contains("."), "\(code)")
        }
        #expect(Set(DOCXTextError.Code.allCases.map { DOCXTextError($0, "").userMessageFR }).count == DOCXTextError.Code.allCases.count)
    }
}
