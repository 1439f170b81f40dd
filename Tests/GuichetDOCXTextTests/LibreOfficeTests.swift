import Foundation
import Testing
@testable import GuichetDOCXText

/// The rewritten files open in a real word processor and show the new text. FAILS (not skips)
/// without LibreOffice or pdftotext: a silent skip would hide broken output.
@Suite("LibreOffice opens the rewritten DOCX")
struct LibreOfficeTests {
    @Test(.timeLimit(.minutes(3)))
    func upperCasedDocumentsConvertToPDFWithTheNewText() throws {
        guard let soffice = findExecutable("soffice", extraDirectories: ["/usr/lib/libreoffice/program"]),
              let pdftotext = findExecutable("pdftotext") else {
            Issue.record("soffice or pdftotext missing: apt-get install -y libreoffice-writer-nogui poppler-utils")
            return
        }
        let dir = try TemporaryDirectory()
        var expectations: [(pdf: URL, upper: String, lower: String)] = []
        var inputs: [String] = []
        for name in ["docx4j__Docx4j_GettingStarted.docx", "cdtn__reclamation_des_heures_sup.docx"] {
            let document = try DOCXTextDocument.load(url: Corpus.url(name))
            // A plain body sentence with lower-case letters: its upper-cased words must show.
            let sentence = try #require(document.paragraphs.first {
                $0.part == "word/document.xml" && $0.text.count >= 30 && !$0.text.contains("⟦")
                    && !$0.text.contains("\t") && !$0.text.contains("\n") && $0.text != $0.text.uppercased()
                    && $0.text.split(separator: " ").count >= 5
            })
            let (data, _) = try document.rewrite(TransformTests.upperCased(document))
            let out = dir.file("upper-" + name)
            try data.write(to: out)
            inputs.append(out.path)
            let words = sentence.text.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
            expectations.append((dir.file("upper-" + name.replacingOccurrences(of: ".docx", with: ".pdf")), words.uppercased(), words))
        }
        let result = try runProcess(soffice, [
            "-env:UserInstallation=file://\(dir.file("lo-profile").path)", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", dir.url.path,
        ] + inputs)
        #expect(result.status == 0, "soffice failed: \(result.output)")
        for expectation in expectations {
            #expect(FileManager.default.fileExists(atPath: expectation.pdf.path), "no PDF: \(result.output)")
            let textURL = expectation.pdf.deletingPathExtension().appendingPathExtension("txt")
            let extraction = try runProcess(pdftotext, ["-enc", "UTF-8", expectation.pdf.path, textURL.path])
            #expect(extraction.status == 0)
            let text = (try? String(contentsOf: textURL, encoding: .utf8)) ?? ""
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains(expectation.upper), "\(expectation.upper) not in \(expectation.pdf.lastPathComponent)")
            #expect(!flat.contains(expectation.lower), "original casing still rendered")
        }
    }
}
