import Foundation

/// The `docProps/core.xml` fields a rewrite may set, to mark the output as machine-processed.
/// Edits the existing part in place (same technique as paragraphs): other properties and the
/// namespace declarations stay as the producer wrote them.
struct CoreProperties {
    static let partName = "docProps/core.xml"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    static let dcterms = "http://purl.org/dc/terms/"

    var title: String?
    var description: String?
    var lastModifiedBy: String?
    var keywords: [String]

    /// `xml` with the properties replaced (or added before the root's end tag).
    func updating(_ xml: [UInt8], now: Date = Date()) throws(DOCXTextError) -> Data {
        try XMLSafety.checkNoDTD(xml, part: Self.partName)
        let elements: XMLTree
        do { elements = try XMLScanner.scan(xml) } catch {
            throw DOCXTextError(.malformedXML, "\(Self.partName): \(error.reason) at byte \(error.offset)")
        }
        let rootAttributes = XMLScanner.attributes(of: elements[0], in: xml)
        let dcPrefix = TextPart.prefix(for: [Self.dc], in: rootAttributes, fallback: "dc")
        let cpPrefix = TextPart.prefix(for: [Self.cp], in: rootAttributes, fallback: "cp")
        let termsPrefix = TextPart.prefix(for: [Self.dcterms], in: rootAttributes, fallback: "dcterms")
        var wanted: [(String, String)] = []
        if let title { wanted.append((dcPrefix + "title", title)) }
        if let description { wanted.append((dcPrefix + "description", description)) }
        if let lastModifiedBy { wanted.append((cpPrefix + "lastModifiedBy", lastModifiedBy)) }
        if !keywords.isEmpty { wanted.append((cpPrefix + "keywords", keywords.joined(separator: ", "))) }
        let stamp = ISO8601DateFormatter().string(from: now)
        var edits: [ByteEdit] = []
        let root = elements[0]
        for (name, value) in wanted {
            let escaped = Array(XMLText.escape(value).utf8)
            if let existing = elements.children(root).first(where: { elements.name($0) == name }).map({ elements[$0] }) {
                if existing.isSelfClosing {
                    edits.append(ByteEdit(range: existing.start..<existing.end, bytes: Array("<\(name)>".utf8) + escaped + Array("</\(name)>".utf8)))
                } else {
                    edits.append(ByteEdit(range: existing.contentStart..<existing.contentEnd, bytes: escaped))
                }
            } else {
                edits.append(ByteEdit(range: root.contentEnd..<root.contentEnd, bytes: Array("<\(name)>".utf8) + escaped + Array("</\(name)>".utf8)))
            }
        }
        // Only an existing date is updated: adding one needs the xsi namespace declared.
        if let modified = elements.children(root).first(where: { elements.name($0) == termsPrefix + "modified" }).map({ elements[$0] }),
           !modified.isSelfClosing {
            edits.append(ByteEdit(range: modified.contentStart..<modified.contentEnd, bytes: Array(stamp.utf8)))
        }
        let out = ParagraphRewriter.apply(edits, to: xml)
        try XMLSafety.validate(out, part: Self.partName)
        return Data(out)
    }
}
