import Foundation
import GuichetDocumentModel

/// Writes a ``StructuredDocument`` as a minimal, valid WordprocessingML package (.docx) that
/// Word and LibreOffice open with real heading styles, lists and tables.
///
/// Parts: `[Content_Types].xml` (first, as OPC readers expect), `_rels/.rels`,
/// `word/document.xml`, `word/styles.xml`, `word/numbering.xml`, `word/settings.xml`,
/// `word/_rels/document.xml.rels`, `docProps/core.xml`, `docProps/app.xml`.
public struct DOCXWriter: Sendable {
    /// Writes the document to `url`, replacing any existing file atomically: the archive is
    /// built at a temporary path in the same directory, then renamed over `url`, so nobody
    /// ever sees a half-written file (libzip rewrites the whole archive when it closes).
    public static func write(_ doc: StructuredDocument, to url: URL, properties: DOCXProperties = DOCXProperties()) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let writer = try ZipWriter(creatingAt: temporary)
            for (name, data) in parts(of: doc, properties: properties) {
                try writer.add(name: name, data: data)
            }
            try writer.close()
            try replace(url, with: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// The .docx bytes. libzip writes archives to files, so this goes through a temporary file.
    public static func data(_ doc: StructuredDocument, properties: DOCXProperties = DOCXProperties()) throws -> Data {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-docx-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("document.docx")
        try write(doc, to: url, properties: properties)
        return try Data(contentsOf: url)
    }

    /// The package parts in the order they are stored.
    static func parts(of doc: StructuredDocument, properties: DOCXProperties) -> [(String, Data)] {
        let language = properties.language ?? doc.language ?? "fr-FR"
        let body = DOCXDocumentBody.write(doc)
        return [
            (DOCXPackageParts.contentTypesName, DOCXPackageParts.contentTypesXML()),
            ("_rels/.rels", DOCXPackageParts.packageRelationshipsXML()),
            ("word/document.xml", body.xml),
            ("word/_rels/document.xml.rels", DOCXPackageParts.documentRelationshipsXML()),
            ("word/styles.xml", DOCXStyles.stylesXML(language: language)),
            ("word/numbering.xml", DOCXStyles.numberingXML(orderedListNumIDs: body.orderedListNumIDs)),
            ("word/settings.xml", DOCXPackageParts.settingsXML(language: language)),
            ("docProps/core.xml", DOCXPackageParts.coreXML(
                title: properties.title ?? doc.title, properties: properties,
                language: language, date: properties.date ?? Date())),
            ("docProps/app.xml", DOCXPackageParts.appXML()),
        ]
    }

    /// rename(2) replaces the destination atomically; FileManager.moveItem refuses to.
    private static func replace(_ destination: URL, with source: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ZipError.writeFailed(reason: "rename to \(destination.path): \(reason)")
        }
    }
}
