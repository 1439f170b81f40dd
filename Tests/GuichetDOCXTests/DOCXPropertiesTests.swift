import Foundation
import Testing
import GuichetDocumentModel
@testable import GuichetDOCX

@Suite("docProps core.xml and app.xml")
struct DOCXPropertiesTests {
    @Test func corePropertiesCarryTitleCreatorLanguage() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("props.docx")
        try DOCXWriter.write(Sample.document, to: url, properties: Sample.properties)
        let reader = try ZipReader(url: url)
        let core = try XMLNode.parse(reader.data(named: "docProps/core.xml"))
        #expect(core.name == "cp:coreProperties")
        #expect(core.first("dc:title")?.allText == "Rapport <annuel> & bilan")
        #expect(core.first("dc:creator")?.allText == "Mairie de Besançon")
        #expect(core.first("dc:language")?.allText == "fr-FR")
        #expect(core.first("dc:description")?.allText == "Traduction automatique")
        #expect(core.first("cp:keywords")?.allText == "rapport, activité")
        #expect(core.first("cp:lastModifiedBy")?.allText == "Guichet")
        let created = try #require(core.first("dcterms:created"))
        #expect(created.attributes["xsi:type"] == "dcterms:W3CDTF")
        #expect(ISO8601DateFormatter().date(from: created.allText) != nil)

        let app = try XMLNode.parse(reader.data(named: "docProps/app.xml"))
        #expect(app.first("Application")?.allText == "Guichet")
    }

    @Test func defaultsComeFromTheDocument() throws {
        let doc = StructuredDocument(title: "Titre du document", language: "de-DE", blocks: [.paragraph(text: "x", page: nil)])
        let dir = try TemporaryDirectory()
        let url = dir.file("defaults.docx")
        try DOCXWriter.write(doc, to: url, properties: DOCXProperties())
        let reader = try ZipReader(url: url)
        let core = try XMLNode.parse(reader.data(named: "docProps/core.xml"))
        #expect(core.first("dc:title")?.allText == "Titre du document")
        #expect(core.first("dc:language")?.allText == "de-DE")
        #expect(core.first("dc:creator") == nil)
        let styles = try XMLNode.parse(reader.data(named: "word/styles.xml"))
        #expect(styles.first("w:lang")?.attributes["w:val"] == "de-DE")
    }
}
