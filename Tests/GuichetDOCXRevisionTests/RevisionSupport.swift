import Foundation
import GuichetTestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import GuichetDOCXText
import Testing

let testAuthor = "Relecture Guichet"

enum RevisionCorpus {
    static var directory: URL { GuichetTestSupport.Corpus.directory }

    static var docxNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".docx") }.sorted()
    }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("revisions-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// One zip entry (the package reader of the module; the revision code is not involved).
func zipEntry(_ name: String, of data: Data) throws -> Data? {
    let dir = try ScratchDirectory()
    let url = dir.file("x.zip")
    try data.write(to: url)
    let reader = try PackageEntries.open(url, limits: .default)
    return reader.names.contains(name) ? try reader.data(named: name) : nil
}

/// A paragraph as an independent reader sees it: its characters (unicode scalars) and, for
/// each, a canonical form of the run properties that format it.
struct ReadParagraph: Equatable {
    var scalars: [Unicode.Scalar] = []
    var properties: [String] = []
    var text: String { String(String.UnicodeScalarView(scalars)) }
}

/// An independent reading of a WordprocessingML part with Foundation's XMLParser: tracked
/// changes by `author` are accepted (drop `w:del`, unwrap `w:ins`) or rejected (drop `w:ins`,
/// `w:delText` becomes text); everybody else's are accepted. Field codes, `mc:Fallback`
/// copies and page breaks are not text; a text box's paragraphs are paragraphs of their own,
/// listed after the paragraph holding them. A deleted paragraph mark that is accepted joins
/// the paragraph to the next paragraph of the same parent, when nothing but range marks
/// (bookmarks, comment ranges...) lies between them.
final class RevisionReader: NSObject, XMLParserDelegate {
    enum Mode { case acceptAll, rejectAll }
    let mode: Mode
    let author: String
    private(set) var paragraphs: [ReadParagraph] = []
    /// w:id of every w:ins / w:del, with whether it is by `author`.
    private(set) var revisionIDs: [(id: String, ours: Bool)] = []
    /// `w:t` inside a `w:del`, or `w:delText` outside one: Word expects neither.
    private(set) var misplacedText = 0
    private var deletionDepth = 0
    private var deletionStack: [Bool] = []
    private var open: [Int] = []
    private var hidden = 0
    private var hiddenStack: [Bool] = []
    private var rPrDepth = 0
    private var rPrChangeDepth = 0
    private var currentRPr = ""
    private var inText = false
    private var fields: [[Bool]] = [[]]
    /// For joining paragraphs: each paragraph's previous sibling paragraph (if adjacent) and
    /// whether its mark is deleted (and the deletion accepted).
    private var previousSibling: [Int?] = []
    private var joinsNext: [Bool] = []
    private var elementIDs: [Int] = []
    private var elementCounter = 0
    private var lastParagraphOf: [Int: Int] = [:]
    static let rangeMarks: Set<String> = ["bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd",
                                          "proofErr", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"]

    init(mode: Mode, author: String) {
        self.mode = mode
        self.author = author
    }

    static func read(_ xml: Data, mode: Mode, author: String = testAuthor) -> RevisionReader {
        let reader = RevisionReader(mode: mode, author: author)
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        _ = parser.parse()
        reader.joinParagraphs()
        return reader
    }

    private func joinParagraphs() {
        var keep = [Bool](repeating: true, count: paragraphs.count)
        for j in paragraphs.indices {
            guard let k = previousSibling[j], joinsNext[k] else { continue }
            paragraphs[j].scalars = paragraphs[k].scalars + paragraphs[j].scalars
            paragraphs[j].properties = paragraphs[k].properties + paragraphs[j].properties
            keep[k] = false
        }
        paragraphs = paragraphs.indices.filter { keep[$0] }.map { paragraphs[$0] }
    }

    private func local(_ name: String) -> String {
        name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    /// Local name for WordprocessingML and markup-compatibility elements; others (math
    /// `m:t`, drawing `a:t`...) keep their qualified name so they never count as text.
    private func elementName(_ name: String) -> String {
        if name.hasPrefix("w:") || name.hasPrefix("mc:") { return local(name) }
        return "other:" + name
    }

    private var visible: Bool { hidden == 0 && fields[fields.count - 1].allSatisfy { $0 } && !open.isEmpty }

    private func append(_ text: String) {
        guard visible, let p = open.last else { return }
        for s in text.unicodeScalars {
            paragraphs[p].scalars.append(s)
            paragraphs[p].properties.append(currentRPr)
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let l = elementName(name)
        if rPrDepth == 1, l == "del" || l == "moveFrom", elementStack.suffix(2) == ["pPr", "rPr"], let p = open.last, p >= 0 {
            let ours = attributes.first { local($0.key) == "author" }?.value == author
            if !ours || mode == .acceptAll { joinsNext[p] = true }
        }
        if rPrDepth > 0 {
            if l == "rPrChange" || rPrChangeDepth > 0 { rPrChangeDepth += 1; return }
            currentRPr += "<\(l)" + attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined() + ">"
            rPrDepth += 1
            return
        }
        var hides = false
        let parent = elementIDs.last ?? -1
        if l != "p", !Self.rangeMarks.contains(l) { lastParagraphOf[parent] = nil }
        switch l {
        case "p":
            if hidden == 0 {
                paragraphs.append(ReadParagraph())
                open.append(paragraphs.count - 1)
                previousSibling.append(lastParagraphOf[parent])
                joinsNext.append(false)
                lastParagraphOf[parent] = paragraphs.count - 1
            } else {
                open.append(-1)
            }
        case "Fallback": hides = true
        case "del", "moveFrom", "ins", "moveTo":
            let ours = attributes.first { local($0.key) == "author" }?.value == author
            if let id = attributes.first(where: { local($0.key) == "id" })?.value, l == "del" || l == "ins" {
                revisionIDs.append((id, ours))
            }
            let isDeletion = l == "del" || l == "moveFrom"
            hides = ours ? (isDeletion == (mode == .acceptAll)) : isDeletion
        case "r": currentRPr = ""
        case "rPr": if !open.isEmpty { rPrDepth = 1; currentRPr = "" }
        case "t":
            inText = true
            if deletionDepth > 0 { misplacedText += 1 }
        case "delText":
            inText = mode == .rejectAll
            if deletionDepth == 0 { misplacedText += 1 }
        case "instrText", "delInstrText": inText = false
        case "tab": if !open.isEmpty, parentIsRun { append("\t") }
        case "cr": append("\n")
        case "br":
            let type = attributes.first { local($0.key) == "type" }?.value
            if type == nil || type == "textWrapping" { append("\n") }
        case "fldChar":
            let type = attributes.first { local($0.key) == "fldCharType" }?.value
            if type == "begin" { fields[fields.count - 1].append(false) }
            else if type == "separate", !fields[fields.count - 1].isEmpty { fields[fields.count - 1][fields[fields.count - 1].count - 1] = true }
            else if type == "end" { _ = fields[fields.count - 1].popLast() }
        case "txbxContent": fields.append([])
        default: break
        }
        let isDeletion = l == "del" || l == "moveFrom"
        deletionStack.append(isDeletion)
        if isDeletion { deletionDepth += 1 }
        elementStack.append(l)
        elementCounter += 1
        elementIDs.append(elementCounter)
        hiddenStack.append(hides)
        if hides { hidden += 1 }
    }

    private var elementStack: [String] = []
    /// `w:tab` is also a tab stop inside `w:pPr/w:tabs`: only a run's child is text.
    private var parentIsRun: Bool { elementStack.last == "r" }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let l = elementName(name)
        if rPrChangeDepth > 0 { rPrChangeDepth -= 1; return }
        if rPrDepth > 1 {
            rPrDepth -= 1
            currentRPr += "</\(l)>"
            return
        }
        rPrDepth = 0
        elementStack.removeLast()
        elementIDs.removeLast()
        if hiddenStack.removeLast() { hidden -= 1 }
        if deletionStack.removeLast() { deletionDepth -= 1 }
        switch l {
        case "p": open.removeLast()
        case "t", "delText": inText = false
        case "txbxContent": fields.removeLast()
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText, elementStack.last == "t" || elementStack.last == "delText" { append(string) }
    }
}

/// Removes `⟦n⟧` markers; splits on them.
func segments(_ marked: String) -> [String] {
    var out = [""]
    var rest = Substring(marked)
    while let c = rest.first {
        if c == "⟦", let close = rest.firstIndex(of: "⟧"), rest[rest.index(after: rest.startIndex)..<close].allSatisfy(\.isNumber) {
            out.append("")
            rest = rest[rest.index(after: close)...]
            continue
        }
        out[out.count - 1].append(c)
        rest = rest.dropFirst()
    }
    return out
}

func unmarked(_ marked: String) -> String { segments(marked).joined() }

/// A deterministic proofreading of ~5% of the words of a marked text: every 20th word gets a
/// changed form (plural "s", capital, a letter dropped, an inserted word), an apostrophe is
/// made typographic, a space before ":" becomes a narrow no-break space. Markers stay.
func proofread(_ marked: String, seed: Int) -> String {
    var out = ""
    var wordIndex = seed % 20
    var changes = 0
    var didApostrophe = false, didColon = false
    let chars = Array(marked)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == "⟦", let close = chars[i...].firstIndex(of: "⟧") {
            out += String(chars[i...close])
            i = close + 1
            continue
        }
        if c.isLetter {
            var j = i
            while j < chars.count, chars[j].isLetter { j += 1 }
            var word = String(chars[i..<j])
            wordIndex += 1
            if wordIndex % 20 == 0 {
                switch (wordIndex / 20 + changes) % 4 {
                case 0: word += "s"
                case 1: word = word.prefix(1).uppercased() == word.prefix(1) ? word.lowercased() : word.capitalized
                case 2: word = word.count > 2 ? String(word.dropLast()) : word + "x"
                default: word = "très " + word
                }
                changes += 1
            }
            out += word
            i = j
            continue
        }
        if c == "'", !didApostrophe { out += "’"; didApostrophe = true; i += 1; continue }
        if c == " ", i + 1 < chars.count, chars[i + 1] == ":", !didColon { out += "\u{202F}"; didColon = true; i += 1; continue }
        out.append(c)
        i += 1
    }
    return out
}

func findExecutable(_ name: String) -> String? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/lib/libreoffice/program"
    for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
        return "\(dir)/\(name)"
    }
    return nil
}

func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
