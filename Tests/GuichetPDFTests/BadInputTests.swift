import Foundation
import Testing
@testable import GuichetPDF

/// Every kind of bad input gets its own ``PDFError`` code (and never a crash).
// Serialized: poppler work is synchronous and would otherwise hold both threads of the
// cooperative pool at once, stalling unrelated tests.
@Suite(.serialized) struct BadInputTests {
    func expectError(_ code: PDFError.Code, _ url: URL, _ options: PDFReaderOptions = PDFReaderOptions()) -> PDFError? {
        do {
            _ = try PDFReader.read(url: url, options: options)
            Issue.record("expected \(code), got a document")
            return nil
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(!error.userMessageFR.isEmpty)
            return error
        }
    }

    @Test func encryptedWithoutPassword() {
        let e = expectError(.encrypted, Corpus.url("pypdf__libreoffice-writer-password.pdf"))
        #expect(e?.userMessageFR.contains("pypdf__libreoffice-writer-password.pdf.password") == true)
        #expect(e?.userMessageFR.contains("mot de passe") == true)
    }

    @Test func encryptedWithWrongPassword() {
        _ = expectError(.wrongPassword, Corpus.url("pypdf__libreoffice-writer-password.pdf"), PDFReaderOptions(password: "nope"))
    }

    @Test func encryptedWithRightPassword() throws {
        let doc = try PDFReader.read(url: Corpus.url("pypdf__libreoffice-writer-password.pdf"),
                                     options: PDFReaderOptions(password: "openpassword"))
        let text = doc.blocks.map(Corpus.text(of:)).joined(separator: " ")
        let reference = try Corpus.pdftotext(Corpus.url("pypdf__libreoffice-writer-password.pdf"), password: "openpassword")
        #expect(!Corpus.words(reference.joined()).isEmpty)
        #expect(Set(Corpus.words(reference.joined())).isSubset(of: Set(Corpus.words(text))))
    }

    @Test func emptyPasswordRC4Opens() throws {
        let doc = try PDFReader.read(url: Corpus.url("pdfminer__issue-625-identity-cmap.pdf"), options: PDFReaderOptions())
        let text = doc.blocks.map(Corpus.text(of:)).joined(separator: " ")
        #expect(text.contains("Łódź") || text.contains("Łódź".decomposedStringWithCanonicalMapping))
        #expect(Corpus.words(text).count > 50)
    }

    @Test func corruptedStreamRecoversOrSaysDamaged() {
        do {
            let doc = try PDFReader.read(url: Corpus.url("pdfminer__zen_of_python_corrupted.pdf"), options: PDFReaderOptions())
            #expect(!doc.blocks.isEmpty)
        } catch {
            #expect(error.code == .damaged || error.code == .noTextLayer, "\(error)")
        }
    }

    @Test func truncatedIsDamaged() {
        _ = expectError(.damaged, Corpus.url("DERIVED-truncated__apigouv__documentation_api_rial_v2024-11.pdf"))
    }

    @Test func textFileIsNotAPDF() throws {
        let url = try Corpus.temporaryFile("lettre.pdf", Data("Bonjour, ceci n'est pas un PDF.\n".utf8))
        let e = expectError(.notAPDF, url)
        #expect(e?.userMessageFR.contains("lettre.pdf") == true)
    }

    @Test func zeroBytesIsEmptyFile() throws {
        _ = expectError(.emptyFile, try Corpus.temporaryFile("vide.pdf", Data()))
    }

    @Test func emptyPageTreeIsNoPages() throws {
        let pdf = Corpus.makePDF(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"])
        _ = expectError(.noPages, try Corpus.temporaryFile("zero.pdf", pdf))
    }

    @Test func tooManyPagesNamesTheLimit() {
        let e = expectError(.tooManyPages, Corpus.url("apigouv__ProtocoleTechniqueFicoba3-v8.pdf"), PDFReaderOptions(maxPages: 10))
        #expect(e?.userMessageFR.contains("10") == true)
        #expect(e?.message.contains("10") == true)
    }

    @Test func pageWithoutTextIsNoTextLayer() throws {
        // Vector drawing only, like a scan whose image carries the text: there is nothing to read.
        let content = "0.5 g 20 20 160 160 re f 0 G 10 10 m 190 190 l S"
        let pdf = Corpus.makePDF([
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> /Contents 4 0 R >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
        ])
        let e = expectError(.noTextLayer, try Corpus.temporaryFile("scan.pdf", pdf))
        #expect(e?.userMessageFR.contains("OCR") == true)
    }

    @Test func readAsyncMatchesRead() async throws {
        let url = Corpus.url("albert__JO-2023-06-21_decision-DINUM.pdf")
        let a = try await PDFReader.readAsync(url: url, options: PDFReaderOptions())
        let b = try PDFReader.read(url: url, options: PDFReaderOptions())
        #expect(a == b)
    }
}
