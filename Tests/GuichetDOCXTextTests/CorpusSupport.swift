import Foundation
import GuichetTestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
import GuichetDOCX
@testable import GuichetDOCXText
import Testing

/// The shared corpus, found by walking up from this file to a directory holding `shared/corpus`.
enum Corpus {
    static var directory: URL { GuichetTestSupport.Corpus.directory }

    static let docxNames = [
        "docx4j__Docx4j_GettingStarted.docx", "d2p__240-DOP-1013A_Lay_Down_Tubulars.docx",
        "d2p__libreoffice_conversion.docx", "cdtn__reclamation_des_heures_sup.docx",
        "cdtn__signalement_harcelement_sexuel.docx", "nwe__bigfile-01.docx", "d2p__test_file_with_comments.docx",
        "nwe__test07.docx", "nwe__test16.docx", "pandoc__table_captions_with_field.docx",
    ]

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

/// A directory removed when the test is done.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("docxtext-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// All entries of a zip, in order, uncompressed, plus compressed sizes.
struct ZipContents {
    var names: [String]
    var data: [String: Data]
    var compressedSizes: [String: UInt64]

    init(_ url: URL) throws {
        // The package reader of the module (ZipReader with its structure check).
        let reader = try PackageEntries.open(url, limits: .default)
        names = reader.names
        data = [:]
        compressedSizes = reader.compressedSizes
        for name in names { data[name] = try reader.data(named: name) }
    }

    init(_ bytes: Data, in dir: TemporaryDirectory) throws {
        let url = dir.file("z-\(UUID().uuidString).docx")
        try bytes.write(to: url)
        try self.init(url)
    }
}

/// An independent reading of WordprocessingML with `XMLParser`, used to judge the rewriter:
/// per paragraph, the (run properties, text) pairs with adjacent equal properties merged and
/// tracked changes accepted (deleted runs skipped, `w:rPrChange` ignored).
final class OOXMLFacts: NSObject, XMLParserDelegate {
    struct Run: Equatable, CustomStringConvertible { var rPr: String; var text: String; var description: String { "[\(rPr)] \(text.debugDescription)" } }
    var paragraphs: [[Run]] = []
    var paragraphStyles: [String] = []
    var counts: [String: Int] = [:]
    var instrTexts: [String] = []
    /// Text of `w:txbxContent` paragraphs under `mc:Choice` / under `mc:Fallback`.
    var choiceBoxText: [String] = []
    var fallbackBoxText: [String] = []

    static let counted: Set<String> = ["w:tbl", "w:tr", "w:tc", "w:drawing", "w:footnoteReference", "w:endnoteReference",
                                       "w:fldChar", "w:instrText", "w:bookmarkStart", "w:hyperlink", "w:sectPr",
                                       "w:pStyle", "w:numPr", "w:txbxContent", "mc:AlternateContent", "w:p"]

    /// Per paragraph: whether its mark is deleted (`w:pPr/w:rPr/w:del`), and the previous
    /// paragraph of the same parent when only range marks (bookmarks...) lie between them.
    var markDeleted: [Bool] = []
    var previousSibling: [Int?] = []
    private var inPPr = false, inMarkRPr = false
    private var elementIDs: [Int] = []
    private var elementCounter = 0
    private var lastParagraphOf: [Int: Int] = [:]
    static let rangeMarks: Set<String> = ["w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd", "w:permStart",
                                          "w:permEnd", "w:proofErr", "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd"]
    private var stack: [Int] = []          // indices into `paragraphs` of open paragraphs
    private var paragraphText: [String] = []  // plain text per paragraph, for text boxes
    private var deleted = 0
    private var inRun = false
    private var currentRPr = ""
    private var rPrDepth = 0, rPrChangeDepth = 0
    private var inT = false, inInstr = false
    private var instr = ""
    private var choiceDepth = 0, fallbackDepth = 0, boxDepth = 0
    private var boxStarts: [(index: Int, choice: Bool, fallback: Bool)] = []

    static func read(_ data: Data) throws -> OOXMLFacts {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let facts = OOXMLFacts()
        parser.delegate = facts
        guard parser.parse() else { throw CocoaError(.coderReadCorrupt, userInfo: ["reason": "\(String(describing: parser.parserError))"]) }
        return facts
    }

    private func append(_ text: String) {
        guard let p = stack.last, deleted == 0 else { return }
        paragraphText[p] += text
        if let last = paragraphs[p].last, last.rPr == currentRPr { paragraphs[p][paragraphs[p].count - 1].text += text }
        else { paragraphs[p].append(Run(rPr: currentRPr, text: text)) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if Self.counted.contains(name) { counts[name, default: 0] += 1 }
        let parent = elementIDs.last ?? -1
        elementCounter += 1
        elementIDs.append(elementCounter)
        if rPrDepth > 0 {
            if name == "w:rPrChange" || rPrChangeDepth > 0 { rPrChangeDepth += 1; return }
            rPrDepth += 1
            currentRPr += "<\(name)" + attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\"\($0.value)\"" }.joined() + ">"
            return
        }
        if inMarkRPr, name == "w:del" || name == "w:moveFrom", let p = stack.last { markDeleted[p] = true }
        if name != "w:p", !Self.rangeMarks.contains(name) { lastParagraphOf[parent] = nil }
        switch name {
        case "w:p":
            markDeleted.append(false)
            previousSibling.append(lastParagraphOf[parent])
            lastParagraphOf[parent] = paragraphs.count
            stack.append(paragraphs.count); paragraphs.append([]); paragraphText.append(""); paragraphStyles.append("")
        case "w:pPr": inPPr = true
            if boxDepth > 0 { boxStarts.append((paragraphs.count - 1, choiceDepth > 0, fallbackDepth > 0)) }
        case "w:pStyle": if let p = stack.last { paragraphStyles[p] = attributes["w:val"] ?? "" }
        case "w:r": inRun = true; currentRPr = ""
        case "w:rPr": if inRun { rPrDepth = 1 } else if inPPr { inMarkRPr = true }
        case "w:del", "w:moveFrom": deleted += 1
        case "w:t": inT = inRun
        case "w:tab": if inRun { append("\t") }
        case "w:br": if inRun, attributes["w:type"] == nil || attributes["w:type"] == "textWrapping" { append("\n") }
        case "w:cr": if inRun { append("\n") }
        case "w:instrText": inInstr = true; instr = ""
        case "mc:Choice": choiceDepth += 1
        case "mc:Fallback": fallbackDepth += 1
        case "w:txbxContent": boxDepth += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        elementIDs.removeLast()
        if rPrDepth > 0 {
            if rPrChangeDepth > 0 { rPrChangeDepth -= 1; return }
            rPrDepth -= 1
            if rPrDepth > 0 { currentRPr += "</\(name)>" }
            return
        }
        switch name {
        case "w:pPr": inPPr = false
        case "w:rPr": inMarkRPr = false
        case "w:p":
            let p = stack.removeLast()
            if let box = boxStarts.last, box.index == p {
                boxStarts.removeLast()
                if box.fallback { fallbackBoxText.append(paragraphText[p]) } else if box.choice { choiceBoxText.append(paragraphText[p]) }
            }
        case "w:r": inRun = false; currentRPr = ""
        case "w:del", "w:moveFrom": deleted -= 1
        case "w:t": inT = false
        case "w:instrText": inInstr = false; instrTexts.append(instr)
        case "mc:Choice": choiceDepth -= 1
        case "mc:Fallback": fallbackDepth -= 1
        case "w:txbxContent": boxDepth -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inT { append(string) }
        if inInstr { instr += string }
    }

    /// Paragraph run lists without empty runs (an emptied run is not a formatting change).
    var nonEmptyParagraphs: [[Run]] { paragraphs.map { $0.filter { !$0.text.isEmpty } }.map(Self.merge) }

    /// The paragraphs as they read with the tracked changes accepted: a paragraph whose mark
    /// is deleted is joined to the next paragraph of its parent (its runs come first, the next
    /// one's style stays). Returns run lists (as ``nonEmptyParagraphs``) and styles.
    var acceptedParagraphs: (runs: [[Run]], styles: [String]) {
        var runs = paragraphs.map { $0.filter { !$0.text.isEmpty } }
        var keep = [Bool](repeating: true, count: paragraphs.count)
        for j in paragraphs.indices {
            guard let k = previousSibling[j], markDeleted[k] else { continue }
            runs[j] = runs[k] + runs[j]
            keep[k] = false
        }
        let kept = paragraphs.indices.filter { keep[$0] }
        return (kept.map { Self.merge(runs[$0]) }, kept.map { paragraphStyles[$0] })
    }

    static func merge(_ runs: [Run]) -> [Run] {
        var out: [Run] = []
        for run in runs {
            if let last = out.last, last.rPr == run.rPr { out[out.count - 1].text += run.text } else { out.append(run) }
        }
        return out
    }
}

/// Runs a program, output to a file; killed after `timeout` seconds.
func runProcess(_ executable: String, _ arguments: [String], timeout: TimeInterval = 180) throws -> (status: Int32, output: String) {
    let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("docxtext-proc-\(UUID().uuidString).log")
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
    return (process.terminationStatus, String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self))
}

func findExecutable(_ name: String, extraDirectories: [String] = []) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":").map(String.init) + extraDirectories {
        let candidate = directory + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
