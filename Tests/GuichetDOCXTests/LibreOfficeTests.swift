import Foundation
import Testing
@testable import GuichetDOCX

/// Proves the files open in a real word processor: LibreOffice converts them, and what it
/// rendered (PDF text) and understood (ODT headings) is checked. These tests FAIL, not skip,
/// without LibreOffice: the CI installs it, and a silent skip would hide broken output.
@Suite("LibreOffice opens the DOCX")
struct LibreOfficeTests {
    static let installHint = "soffice not found: install it with `apt-get install -y --no-install-recommends libreoffice-writer-nogui`"

    /// Converts `docx` into `format` in `dir` with a throw-away profile, so parallel runs of
    /// LibreOffice do not fight over one user installation.
    private func convert(_ docx: URL, to format: String, in dir: TemporaryDirectory) throws -> URL? {
        guard let soffice = findExecutable("soffice", extraDirectories: ["/usr/lib/libreoffice/program"]) else {
            Issue.record(Comment(rawValue: Self.installHint))
            return nil
        }
        let profile = dir.file("lo-profile-\(format)")
        let outDir = dir.file("out-\(format)")
        let result = try runProcess(soffice, [
            "-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore",
            "--convert-to", format, "--outdir", outDir.path, docx.path,
        ])
        #expect(result.status == 0, "soffice failed: \(result.output)")
        let converted = outDir.appendingPathComponent(docx.deletingPathExtension().lastPathComponent + "." + format)
        #expect(FileManager.default.fileExists(atPath: converted.path), "no \(format) produced: \(result.output)")
        // GUICHET_KEEP_LO_OUTPUT=/some/dir keeps the DOCX and its conversion for a human look.
        if let keep = ProcessInfo.processInfo.environment["GUICHET_KEEP_LO_OUTPUT"] {
            for file in [docx, converted] {
                let target = URL(fileURLWithPath: keep).appendingPathComponent(file.lastPathComponent)
                try? FileManager.default.removeItem(at: target)
                try? FileManager.default.copyItem(at: file, to: target)
            }
        }
        return FileManager.default.fileExists(atPath: converted.path) ? converted : nil
    }

    @Test(.timeLimit(.minutes(5)))
    func pdfContainsParagraphAndTableText() throws {
        let dir = try TemporaryDirectory()
        let docx = dir.file("rapport.docx")
        try DOCXWriter.write(Sample.document, to: docx, properties: Sample.properties)
        guard let pdf = try convert(docx, to: "pdf", in: dir) else { return }
        guard let pdftotext = findExecutable("pdftotext") else {
            Issue.record("pdftotext not found: install it with `apt-get install -y poppler-utils`")
            return
        }
        let textURL = dir.file("rapport.txt")
        let result = try runProcess(pdftotext, ["-enc", "UTF-8", pdf.path, textURL.path])
        #expect(result.status == 0, "pdftotext failed: \(result.output)")
        // Collapse whitespace (incl. NBSP) so line wrapping does not matter.
        let raw = try String(contentsOf: textURL, encoding: .utf8)
        let text = raw.replacingOccurrences(of: "\u{00A0}", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for expected in ["Rapport d'activité", "Introduction générale", "Détails du dossier",
                         "<script>alert(\"x\")</script> & \"guillemets\" 'simples'",
                         "Accents « élève » à l’école : ça va ?", "Sous-point imbriqué", "Étape deux",
                         "print(\"<ok> & done\")", "Après le saut de page"] {
            #expect(text.contains(expected), "PDF text lacks \(expected)")
        }
        for cell in Sample.tableRows.joined() { #expect(text.contains(cell), "PDF lacks cell \(cell)") }
        #expect(raw.contains("\u{0C}"), "the page break should give at least two pages")
    }

    @Test(.timeLimit(.minutes(5)))
    func odtHasRealHeadings() throws {
        let dir = try TemporaryDirectory()
        let docx = dir.file("rapport.docx")
        try DOCXWriter.write(Sample.document, to: docx, properties: Sample.properties)
        guard let odt = try convert(docx, to: "odt", in: dir) else { return }
        let content = try XMLNode.parse(ZipReader(url: odt).data(named: "content.xml"))
        let headings = Dictionary(content.all("text:h").map { ($0.allText, $0.attributes["text:outline-level"]) },
                                  uniquingKeysWith: { first, _ in first })
        #expect(headings["Introduction générale"] == "1", "headings seen: \(headings)")
        #expect(headings["Détails du dossier"] == "2", "headings seen: \(headings)")
        #expect(headings["Entre deux listes"] == nil)
        #expect(content.all("table:table-row").count == 3)
        #expect(content.all("text:list").count >= 3, "lists must stay lists")
    }
}
