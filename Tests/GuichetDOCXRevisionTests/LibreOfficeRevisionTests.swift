import Foundation
@testable import GuichetDOCXText
import Testing

@Suite struct LibreOfficeRevisionTests {
    /// LibreOffice reads the revisions as tracked changes, and renders the revised letter.
    @Test func libreOfficeSeesTrackedChanges() throws {
        guard let soffice = findExecutable("soffice") else {
            Issue.record("soffice missing: apt-get install -y libreoffice-writer-nogui")
            return
        }
        let dir = try ScratchDirectory()
        let name = "cdtn__reclamation_des_heures_sup.docx"
        let document = try DOCXTextDocument.load(url: RevisionCorpus.url(name))
        let (data, _) = try document.rewriteAsRevisions(RevisionTests.corrections(document), author: testAuthor, date: RevisionTests.date)
        let input = dir.file("revised.docx")
        try data.write(to: input)
        let profile = "-env:UserInstallation=file://\(dir.file("lo-profile").path)"
        for format in ["odt", "pdf"] {
            let result = try run(soffice, [profile, "--headless", "--norestore", "--convert-to", format, "--outdir", dir.url.path, input.path])
            #expect(result.status == 0, "soffice \(format): \(result.output)")
        }
        let odt = try Data(contentsOf: dir.file("revised.odt"))
        let content = String(decoding: try #require(try zipEntry("content.xml", of: odt)), as: UTF8.self)
        #expect(content.contains("<text:tracked-changes"))
        #expect(content.contains("<text:deletion"))
        #expect(content.contains("<text:insertion"))
        #expect(content.contains(testAuthor))
        let pdf = try Data(contentsOf: dir.file("revised.pdf"))
        #expect(pdf.count > 1000 && pdf.prefix(5) == Data("%PDF-".utf8))
    }
}
