import Foundation
import GuichetDOCX

/// An existing .docx opened for text replacement: its paragraphs' visible text comes out with
/// formatting boundaries marked `⟦n⟧`, and ``rewrite(_:)`` puts new text back into the same
/// runs, leaving every other byte of the package as it was.
///
/// Not `Sendable`: load and rewrite from one task.
public final class DOCXTextDocument {
    /// Every paragraph of the text parts, in reading order: body, headers, footers, footnotes,
    /// endnotes. Empty paragraphs are listed too, so ids stay stable.
    public private(set) var paragraphs: [DOCXParagraphText]
    /// The text parts read, in the order their paragraphs are listed.
    public var textPartNames: [String] { parts.map(\.name) }

    let original: Data
    let parts: [TextPart]
    /// Paragraph id → (part index, paragraph index in that part).
    let locations: [(part: Int, paragraph: Int)]
    var properties: CoreProperties?
    let hasCoreProperties: Bool

    private init(original: Data, parts: [TextPart], hasCoreProperties: Bool) {
        self.original = original
        self.parts = parts
        self.hasCoreProperties = hasCoreProperties
        var list: [DOCXParagraphText] = []
        var locations: [(part: Int, paragraph: Int)] = []
        for (p, part) in parts.enumerated() {
            for (k, paragraph) in part.paragraphs.enumerated() {
                list.append(DOCXParagraphText(id: list.count, part: part.name, text: paragraph.markedText,
                                              hasTrackedChanges: paragraph.hasTrackedChanges))
                locations.append((p, k))
            }
        }
        self.paragraphs = list
        self.locations = locations
    }

    /// How many `mc:Fallback` paragraphs are paired with a listed paragraph (diagnostics, tests).
    var pairedFallbackParagraphCount: Int {
        parts.reduce(0) { $0 + $1.paragraphs.reduce(0) { $0 + $1.shadows.count } }
    }

    /// Number of paragraphs in `mc:Fallback` copies in all text parts (paired or not).
    var fallbackParagraphCount: Int { parts.reduce(0) { $0 + $1.shadows.count } }

    /// Reads and checks the package at `url`.
    /// - Throws: ``DOCXTextError`` — every refusal has a French ``DOCXTextError/userMessageFR``.
    /// With `includeComments`, the paragraphs of `word/comments.xml` are offered too (last).
    public static func load(url: URL, limits: DOCXTextLimits = .init(), includeComments: Bool = false) throws(DOCXTextError) -> DOCXTextDocument {
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.uint64Value ?? 0
            // A package is never larger than what it expands to.
            guard size <= limits.zip.maxTotalUncompressedSize else {
                throw DOCXTextError(.zipBomb, "file is \(size) bytes, limit is \(limits.zip.maxTotalUncompressedSize)")
            }
            data = try Data(contentsOf: url)
        } catch let error as DOCXTextError {
            throw error
        } catch {
            throw DOCXTextError(.unreadable, "cannot read \(url.path): \(error)")
        }
        try FileSignature.check(data)
        // Read once, then worked on in memory: the file may change under us, it does not matter.
        let reader = try PackageEntries.open(data, label: url.path, limits: limits.zip)
        guard reader.names.count <= limits.maxParts else {
            throw DOCXTextError(.tooManyParts, "package has \(reader.names.count) parts, limit is \(limits.maxParts)")
        }
        let names = reader.names
        guard names.contains("[Content_Types].xml"), names.contains("word/document.xml") else {
            throw DOCXTextError(.notADOCX, "zip without [Content_Types].xml or word/document.xml")
        }
        var parts: [TextPart] = []
        for name in textPartNames(in: names, includeComments: includeComments) {
            let bytes = try reader.bytes(named: name)
            try XMLSafety.checkNoDTD(bytes, part: name)
            // TextPart's scan is also the well-formedness check.
            parts.append(try TextPart(name: name, bytes: bytes))
        }
        return DOCXTextDocument(original: data, parts: parts, hasCoreProperties: names.contains(CoreProperties.partName))
    }

    /// The parts whose text is offered, in reading order; headers and footers sorted by their
    /// number (`header2` before `header10`).
    static func textPartNames(in names: [String], includeComments: Bool = false) -> [String] {
        func family(_ prefix: String) -> [String] {
            names.filter { name in
                name.hasPrefix("word/\(prefix)") && name.hasSuffix(".xml") && !name.dropFirst(5).contains("/")
            }.sorted { a, b in
                let na = Int(a.dropFirst(5 + prefix.count).dropLast(4)) ?? 0
                let nb = Int(b.dropFirst(5 + prefix.count).dropLast(4)) ?? 0
                return na != nb ? na < nb : a < b
            }
        }
        var result = ["word/document.xml"]
        result += family("header") + family("footer")
        result += ["word/footnotes.xml", "word/endnotes.xml"].filter(names.contains)
        if includeComments && names.contains("word/comments.xml") { result.append("word/comments.xml") }
        return result
    }

    /// Asks ``rewrite(_:)`` to also update `docProps/core.xml` (title, description, last
    /// modifier, keywords, modification date) so the output says it was machine-processed.
    /// `nil` leaves a property as it is. Ignored when the package has no core properties part.
    public func setProperties(title: String?, description: String?, lastModifiedBy: String?, keywords: [String]) {
        properties = CoreProperties(title: title, description: description, lastModifiedBy: lastModifiedBy, keywords: keywords)
    }

    /// Writes `newTexts` (paragraph id → new text with the same `⟦n⟧` markers) into a copy of
    /// the package. Unknown ids are ignored; paragraphs not listed stay byte-identical.
    public func rewrite(_ newTexts: [Int: String]) throws(DOCXTextError) -> (data: Data, report: DOCXRewriteReport) {
        var editsByPart: [Int: [ByteEdit]] = [:]
        var flattened: [Int] = []
        var accepted = false
        for (id, text) in newTexts.sorted(by: { $0.key < $1.key }) where locations.indices.contains(id) {
            let (p, k) = locations[id]
            let part = parts[p]
            let model = part.paragraphs[k]
            var (edits, flat) = ParagraphRewriter.edits(for: model, newText: text, in: part)
            // The mc:Fallback copies get the same text, placed with their own run groups.
            for shadow in model.shadows {
                let result = ParagraphRewriter.edits(for: part.shadows[shadow], newText: text, in: part)
                edits += result.edits
                flat = flat || result.flattened
            }
            if flat { flattened.append(id) }
            if model.hasTrackedChanges { accepted = true }
            editsByPart[p, default: []] += edits
        }
        var replacements: [String: Data] = [:]
        for (p, edits) in editsByPart where !edits.isEmpty {
            let bytes = ParagraphRewriter.apply(edits, to: parts[p].bytes)
            // Never hand out a broken part: a failure here is a bug, reported as such.
            do { try XMLSafety.validate(bytes, part: parts[p].name) } catch {
                throw DOCXTextError(.malformedXML, "internal error, rewritten \(error.message)")
            }
            replacements[parts[p].name] = Data(bytes)
        }
        if let properties, hasCoreProperties {
            replacements[CoreProperties.partName] = try properties.updating(try coreXML())
        }
        let data = try PackageRewriter.replacing(replacements, in: original)
        return (data, DOCXRewriteReport(flattened: flattened, trackedChangesAccepted: accepted))
    }

    func coreXML() throws(DOCXTextError) -> [UInt8] {
        try PackageEntries.open(original, label: "package", limits: .default).bytes(named: CoreProperties.partName)
    }
}

/// Recognizes files that are not zips before libzip sees them, to give a precise reason.
enum FileSignature {
    static let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    static func check(_ data: Data) throws(DOCXTextError) {
        guard data.count >= 8, Array(data.prefix(8)) == ole2 else { return }
        // An encrypted OOXML file is an OLE2 container whose directory names a stream
        // "EncryptedPackage" (names are stored as UTF-16LE).
        let marker = Data("EncryptedPackage".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        if data.range(of: marker) != nil {
            throw DOCXTextError(.encrypted, "password-protected Office document (OLE2 EncryptedPackage)")
        }
        throw DOCXTextError(.legacyDOC, "OLE2 compound file: legacy Word 97-2003 .doc")
    }
}
