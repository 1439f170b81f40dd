import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GuichetDOCXText

/// XMLScanner is also the well-formedness check (it replaced a second parse with Foundation's
/// `XMLParser`). Judged against `XMLParser` (libxml2) as an oracle: whatever the scanner
/// accepts, libxml2 accepts too.
@Suite("XML scanner as a well-formedness check")
struct XMLScannerTests {
    static func libxml2Accepts(_ bytes: [UInt8]) -> Bool {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        return parser.parse()
    }

    static func scannerAccepts(_ bytes: [UInt8]) -> Bool {
        (try? XMLScanner.validate(bytes)) != nil
    }

    @Test(arguments: [
        "<a><b/></a>", "<w:a><w:b/></w:a>", "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\r\n<a/>",
        "\u{FEFF}<a/>", "<a x = \"1\" y='&lt;&#60;&#x3C;'/>", "<a><!-- note --><?pi data?><![CDATA[<&]]></a>",
        "<a>&amp;&lt;&gt;&quot;&apos;&#65;&#x1F600;</a>", "<a>é ü 😀 \t\n\r</a>", "<a></a >", "<é/>", "<a/>\n<!-- c -->\n",
        "<a>]]</a>", "<a>></a>",
    ])
    func wellFormedDocumentsAreAccepted(xml: String) throws {
        let bytes = Array(xml.utf8)
        #expect(Self.libxml2Accepts(bytes))
        #expect(throws: Never.self) { try XMLScanner.validate(bytes) }
    }

    @Test(arguments: [
        "<a x='1' x='2'/>", "<a x='<'/>", "<a>]]></a>", "<a>&#0;</a>", "<a>&#x1;</a>", "<a>\u{1}</a>", "<a>&#xD800;</a>",
        "<a><!-- a -- b --></a>", "<a>\u{FFFE}</a>", " <?xml version='1.0'?><a/>", "<a/><?xml version='1.0'?>", "<1a/>",
        "<a><?xml x?></a>", "<a>&#65</a>", "<a>& b</a>", "< a/>", "<a b/>", "<a:b xmlns:a='u'></b>", "<a>&nbsp;</a>",
        "<a/><b/>", "<a>", "</a>", "<a></b>", "<!DOCTYPE a><a/>", "<a><!ENTITY x 'y'></a>", "x<a/>",
        "<?xml version='1.0' encoding='ISO-8859-1'?><a/>", "<a x='1'", "<a><![CDATA[x</a>", "<a><!-- x</a>",
    ])
    func malformedDocumentsAreRefused(xml: String) {
        let bytes = Array(xml.utf8)
        #expect(!Self.scannerAccepts(bytes), "accepted: \(xml.debugDescription)")
    }

    @Test func invalidUTF8IsRefused() {
        for bad: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xFF], [0xC3]] {
            let bytes = Array("<a>".utf8) + bad + Array("</a>".utf8)
            #expect(!Self.scannerAccepts(bytes), "accepted \(bad)")
            #expect(!Self.libxml2Accepts(bytes))
        }
    }

    @Test func elementsAreLocatedAndNamed() throws {
        let xml = Array("<?xml version=\"1.0\"?><w:document xmlns:w=\"u\"><w:body><w:p w:rsid=\"1\"><w:r><w:t>Hé</w:t></w:r></w:p><w:p/></w:body></w:document>".utf8)
        let tree = try XMLScanner.scan(xml)
        #expect(tree.count == 6)
        #expect((0..<tree.count).map { tree.name($0) } == ["w:document", "w:body", "w:p", "w:r", "w:t", "w:p"])
        #expect(Array(tree.children(1)) == [2, 5])
        #expect(tree[5].isSelfClosing && tree[5].parent == 1)
        let t = tree[4]
        #expect(String(decoding: xml[t.contentStart..<t.contentEnd], as: UTF8.self) == "Hé")
        #expect(String(decoding: xml[tree[2].start..<tree[2].end], as: UTF8.self) == "<w:p w:rsid=\"1\"><w:r><w:t>Hé</w:t></w:r></w:p>")
        #expect(XMLScanner.attributes(of: tree[2], in: xml) == ["w:rsid": "1"])
        #expect(tree.nameID("w:p") == tree[2].nameID && tree.nameID("w:nope") == -1)
    }

    /// Random damage to every corpus text part: the scanner never accepts what libxml2 refuses.
    @Test func mutatedCorpusPartsAreNeverAcceptedWhenLibxml2Refuses() throws {
        var rng = SplitMix64(seed: 0x5EED_D0C5)
        let insertions = ["<", ">", "&", "\"", "'", "/", "=", "\u{1}", "]]>", "--", "&amp", "&#0;", "<a>", "</a>", " x=\"1\"",
                          "<!--", "<?", "<![CDATA[", "&#x110000;", "\u{FFFF}", "é", ":"].map { Array($0.utf8) } + [[0xC3], [0xFF], [0xED, 0xA0, 0x80]]
        var checked = 0, bothRefused = 0, onlyScannerRefused = 0
        for name in Corpus.docxNames {
            let document = try DOCXTextDocument.load(url: Corpus.url(name))
            for part in document.parts where part.bytes.count < 60_000 {
                #expect(Self.scannerAccepts(part.bytes) && Self.libxml2Accepts(part.bytes))
                for _ in 0..<60 {
                    var bytes = part.bytes
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 4 {
                    case 0: bytes.remove(at: at)
                    case 1: bytes.insert(contentsOf: insertions[Int(rng.next() % UInt64(insertions.count))], at: at)
                    case 2: if at + 1 < bytes.count { bytes.swapAt(at, at + 1) }
                    default: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 40)))
                    }
                    let scanner = Self.scannerAccepts(bytes), libxml2 = Self.libxml2Accepts(bytes)
                    checked += 1
                    if !scanner && !libxml2 { bothRefused += 1 }
                    if !scanner && libxml2 {
                        onlyScannerRefused += 1
                        if onlyScannerRefused <= 25, ProcessInfo.processInfo.environment["SCANNER_DIFF"] != nil {
                            var reason = ""
                            do { try XMLScanner.validate(bytes) } catch { reason = "\(error.reason) at \(error.offset)" }
                            let context = String(decoding: bytes[max(0, at - 50)..<min(bytes.count, at + 50)], as: UTF8.self)
                            print("only the scanner refused: \(reason): \(context.debugDescription)")
                        }
                    }
                    if scanner && !libxml2 {
                        let context = String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 60)], as: UTF8.self)
                        Issue.record("\(name) \(part.name): scanner accepted what libxml2 refuses, near byte \(at): \(context.debugDescription)")
                    }
                }
            }
        }
        #expect(checked > 1_000 && bothRefused > checked / 5, "checked \(checked), both refused \(bothRefused), only the scanner \(onlyScannerRefused)")
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
