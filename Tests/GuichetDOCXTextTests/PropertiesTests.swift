import Foundation
import Testing
@testable import GuichetDOCXText

/// `setProperties` marks the output as machine-processed in docProps/core.xml, in place.
@Suite("Core properties")
struct PropertiesTests {
    @Test func propertiesAreUpdatedAndNothingElseChanges() throws {
        let dir = try TemporaryDirectory()
        let url = Corpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        document.setProperties(title: "Réclamation <traduite> & relue", description: "Traduction automatique (Guichet), à relire",
                               lastModifiedBy: "Guichet", keywords: ["traduction", "IA"])
        let (data, report) = try document.rewrite([:])
        #expect(report == DOCXRewriteReport(flattened: [], trackedChangesAccepted: false))
        let before = try ZipContents(url)
        let after = try ZipContents(data, in: dir)
        #expect(after.names == before.names)
        for name in before.names where name != "docProps/core.xml" { #expect(after.data[name] == before.data[name], "\(name)") }
        let core = String(decoding: try #require(after.data["docProps/core.xml"]), as: UTF8.self)
        #expect(core.contains("<dc:title>Réclamation &lt;traduite&gt; &amp; relue</dc:title>"))
        #expect(core.contains("<dc:description>Traduction automatique (Guichet), à relire</dc:description>"))
        #expect(core.contains("<cp:lastModifiedBy>Guichet</cp:lastModifiedBy>"))
        #expect(core.contains("<cp:keywords>traduction, IA</cp:keywords>"))
        #expect(core.contains("<dc:creator>DUSCHER, Jean-René (DGT)</dc:creator>"))  // untouched
        #expect(!core.contains("2020-05-07T11:08:00Z</dcterms:modified>"))
        _ = try OOXMLFacts.read(Data(core.utf8))  // well-formed
    }

    @Test func withoutPropertiesCorePartIsUntouched() throws {
        let dir = try TemporaryDirectory()
        let url = Corpus.url("cdtn__reclamation_des_heures_sup.docx")
        let (data, _) = try DOCXTextDocument.load(url: url).rewrite([0: "Bonjour"])
        #expect(try ZipContents(data, in: dir).data["docProps/core.xml"] == ZipContents(url).data["docProps/core.xml"])
    }
}
