import Foundation

/// The small fixed parts of the OPC package around `word/document.xml`: content types,
/// relationships, settings and the two property parts. Word refuses a package whose parts are
/// not declared in `[Content_Types].xml` or not reachable through relationships.
enum DOCXPackageParts {
    static let contentTypesName = "[Content_Types].xml"

    static func contentTypesXML() -> Data {
        var x = XMLWriter()
        x.raw("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">")
        x.raw("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>")
        x.raw("<Default Extension=\"xml\" ContentType=\"application/xml\"/>")
        x.raw("<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>")
        x.raw("<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>")
        x.raw("<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>")
        x.raw("<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>")
        x.raw("<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>")
        x.raw("<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>")
        x.raw("</Types>")
        return x.data
    }

    static func packageRelationshipsXML() -> Data {
        var x = XMLWriter()
        x.raw("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">")
        x.raw("<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>")
        x.raw("<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>")
        x.raw("<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>")
        x.raw("</Relationships>")
        return x.data
    }

    static func documentRelationshipsXML() -> Data {
        var x = XMLWriter()
        x.raw("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">")
        x.raw("<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>")
        x.raw("<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>")
        x.raw("<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>")
        x.raw("</Relationships>")
        return x.data
    }

    static func settingsXML(language: String) -> Data {
        var x = XMLWriter()
        x.raw("<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">")
        x.raw("<w:defaultTabStop w:val=\"708\"/><w:hyphenationZone w:val=\"425\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>")
        // compatibilityMode 15 = Word 2013+ layout, so Word does not open in compatibility mode.
        x.raw("<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>")
        x.empty("w:themeFontLang", ["w:val": language])
        x.raw("<w:decimalSymbol w:val=\",\"/><w:listSeparator w:val=\";\"/>")
        x.raw("</w:settings>")
        return x.data
    }

    static func coreXML(title: String?, properties: DOCXProperties, language: String, date: Date) -> Data {
        var x = XMLWriter()
        x.raw("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">")
        if let title { x.element("dc:title", text: title) }
        if let creator = properties.creator { x.element("dc:creator", text: creator) }
        if let description = properties.description { x.element("dc:description", text: description) }
        if !properties.keywords.isEmpty { x.element("cp:keywords", text: properties.keywords.joined(separator: ", ")) }
        x.element("dc:language", text: language)
        if let modifier = properties.lastModifiedBy { x.element("cp:lastModifiedBy", text: modifier) }
        // W3CDTF without fractional seconds: Word rejects some ISO 8601 variants.
        let formatter = ISO8601DateFormatter()  // "2026-03-01T09:30:00Z", UTC
        let stamp = formatter.string(from: date)
        x.element("dcterms:created", ["xsi:type": "dcterms:W3CDTF"], text: stamp)
        x.element("dcterms:modified", ["xsi:type": "dcterms:W3CDTF"], text: stamp)
        x.raw("</cp:coreProperties>")
        return x.data
    }

    static func appXML() -> Data {
        var x = XMLWriter()
        x.raw("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">")
        x.raw("<Application>Guichet</Application><DocSecurity>0</DocSecurity>")
        x.raw("</Properties>")
        return x.data
    }
}
