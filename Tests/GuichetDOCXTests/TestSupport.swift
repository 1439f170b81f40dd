import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GuichetDocumentModel
@testable import GuichetDOCX

/// The sample used by several suites: every block kind, hostile characters, French text.
enum Sample {
    static let scriptParagraph = "Texte avec <script>alert(\"x\")</script> & \"guillemets\" 'simples'"
    static let accentParagraph = "Accents « élève » à l’école\u{00A0}: ça va ? Œuvre, naïve, façade."
    static let tableRows = [
        ["Nom", "Prénom", "Ville", "Code"],
        ["Dupont", "Élise", "Besançon", "25000"],
        ["Martin", "José", "Saint-Étienne", "42000"],
    ]
    static let codeText = "func main() {\n    print(\"<ok> & done\")\n\tlet x = 1\n}"

    static let document = StructuredDocument(title: "Rapport d'activité", language: "fr", blocks: [
        .heading(level: 1, text: "Introduction générale", page: 1),
        .paragraph(text: scriptParagraph, page: 1),
        .paragraph(text: accentParagraph, page: 1),
        .heading(level: 2, text: "Détails du dossier", page: 1),
        .listItem(text: "Premier point", ordered: false, level: 0, marker: "•", page: 1),
        .listItem(text: "Sous-point imbriqué", ordered: false, level: 1, marker: "◦", page: 1),
        .listItem(text: "Deuxième point", ordered: false, level: 0, marker: "•", page: 1),
        .paragraph(text: "Entre deux listes", page: 1),
        .listItem(text: "Étape un", ordered: true, level: 0, marker: "1.", page: 1),
        .listItem(text: "Étape deux", ordered: true, level: 0, marker: "2.", page: 1),
        .listItem(text: "Sous-étape", ordered: true, level: 1, marker: "a)", page: 1),
        .table(rows: tableRows, header: true, page: 1),
        .code(text: codeText, page: 1),
        .pageBreak,
        .paragraph(text: "Après le saut de page", page: 2),
        .listItem(text: "Reprise à un", ordered: true, level: 0, marker: "1.", page: 2),
    ])

    static let properties = DOCXProperties(
        title: "Rapport <annuel> & bilan", creator: "Mairie de Besançon",
        description: "Traduction automatique", language: "fr-FR",
        keywords: ["rapport", "activité"], lastModifiedBy: "Guichet")
}

/// A directory removed when the test is done.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-docx-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A minimal DOM built with XMLParser (qualified names, no namespace processing), so tests can
/// query the XML we wrote by its literal prefixes.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All descendants (depth first) named `name`.
    func all(_ name: String) -> [XMLNode] {
        var result: [XMLNode] = []
        for child in children {
            if child.name == name { result.append(child) }
            result.append(contentsOf: child.all(name))
        }
        return result
    }

    func first(_ name: String) -> XMLNode? { all(name).first }

    /// Concatenated character data of this node and its descendants.
    var allText: String { text + children.map(\.allText).joined() }

    static func parse(_ data: Data) throws -> XMLNode {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw XMLParseFailure(message: "\(parser.parserError.map { "\($0)" } ?? "no root")")
        }
        return root
    }

    struct XMLParseFailure: Error { let message: String }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            let node = XMLNode(name: elementName, attributes: attributes)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// Runs a program and returns its exit status and output; kills it after `timeout` seconds so
/// a hung LibreOffice cannot hang the test run. Output goes to a file, not a pipe: a pipe
/// nobody drains blocks a chatty child once 64 KiB are buffered.
func runProcess(_ executable: String, _ arguments: [String], timeout: TimeInterval = 180) throws -> (status: Int32, output: String) {
    let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-proc-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: logURL) }
    let log = try FileHandle(forWritingTo: logURL)
    defer { try? log.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = log
    process.standardError = log
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() > deadline { process.terminate(); break }
        Thread.sleep(forTimeInterval: 0.05)
    }
    process.waitUntilExit()
    let output = (try? Data(contentsOf: logURL)) ?? Data()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// The first executable named `name` on PATH or in `extraDirectories`.
func findExecutable(_ name: String, extraDirectories: [String] = []) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":").map(String.init) + extraDirectories {
        let candidate = directory + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
