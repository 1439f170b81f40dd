import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the plain text back from a .docx: enough for tests and for checking a delivered file,
/// not a general DOCX importer (no styles, no headers/footers, no footnotes).
public struct DOCXReader: Sendable {
    /// Errors specific to reading a .docx (zip errors come as ``ZipError``).
    public enum Error: Swift.Error, Equatable, Sendable {
        /// `word/document.xml` is not well-formed XML.
        case malformedXML(String)
    }

    /// The text of every paragraph of `word/document.xml`, in order, table cells included
    /// (one entry per cell paragraph). `w:tab` reads as "\t", `w:br` as "\n"; page breaks
    /// read as nothing, so a page-break paragraph is "".
    public static func text(of url: URL) throws -> [String] {
        let reader = try ZipReader(url: url)
        return try paragraphs(inDocumentXML: reader.data(named: "word/document.xml"))
    }

    /// Same as ``text(of:)`` on the bytes of a `word/document.xml` part.
    public static func paragraphs(inDocumentXML xml: Data) throws -> [String] {
        let parser = XMLParser(data: xml)
        // Never fetch or expand external entities from a file a user sent us (XXE).
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        let collector = ParagraphCollector()
        parser.delegate = collector
        guard parser.parse() else {
            throw Error.malformedXML(parser.parserError.map { "\($0)" } ?? "unknown error")
        }
        return collector.paragraphs
    }
}

/// XMLParser delegate collecting `w:p` text. Matches on namespace URI, not prefix, since other
/// producers may bind WordprocessingML to any prefix.
private final class ParagraphCollector: NSObject, XMLParserDelegate {
    static let namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    var paragraphs: [String] = []
    private var current: String?
    private var depth = 0  // nested paragraphs (text boxes) are folded into the outer one
    private var inText = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard namespaceURI == Self.namespace else { return }
        switch elementName {
        case "p":
            depth += 1
            if depth == 1 { current = "" }
        case "t":
            inText = true
        case "tab":
            current?.append("\t")
        case "br", "cr":
            if attributes["w:type"] == nil && attributes["type"] == nil || attributes["w:type"] == "textWrapping" {
                current?.append("\n")
            }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard namespaceURI == Self.namespace else { return }
        switch elementName {
        case "p":
            depth -= 1
            if depth == 0, let text = current {
                paragraphs.append(text)
                current = nil
            }
        case "t":
            inText = false
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current?.append(string) }
    }
}
