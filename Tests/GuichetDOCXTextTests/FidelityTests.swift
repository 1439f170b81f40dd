import Foundation
import GuichetDOCX
import Testing
@testable import GuichetDOCXText

/// Rewriting every paragraph with its own text must change nothing a reader can see: same
/// entries, non-text entries byte-identical, same text and run properties per paragraph, same
/// tables, drawings, notes, fields and bookmarks.
@Suite("Identity rewrite of the corpus")
struct FidelityTests {
    static let trackedChanges = "nwe__bigfile-01.docx"

    @Test(arguments: Corpus.docxNames)
    func identityRewriteKeepsEverything(name: String) throws {
        let dir = try TemporaryDirectory()
        let url = Corpus.url(name)
        let document = try DOCXTextDocument.load(url: url)
        #expect(document.paragraphs.count > 0)
        #expect(document.paragraphs.map(\.id) == Array(0..<document.paragraphs.count))
        let identity = Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, $0.text) })
        let (data, report) = try document.rewrite(identity)
        #expect(report.flattened.isEmpty, "flattened: \(report.flattened)")
        #expect(report.trackedChangesAccepted == (name == Self.trackedChanges))

        let before = try ZipContents(url)
        let after = try ZipContents(data, in: dir)
        #expect(after.names == before.names, "entry order changed")
        let textParts = Set(document.textPartNames)
        for entry in before.names where !textParts.contains(entry) {
            #expect(after.data[entry] == before.data[entry], "\(entry) changed")
            #expect(after.compressedSizes[entry] == before.compressedSizes[entry], "\(entry) recompressed")
        }
        for part in textParts {
            let old = try OOXMLFacts.read(try #require(before.data[part]))
            let new = try OOXMLFacts.read(try #require(after.data[part]))
            // Paragraphs joined by deleted paragraph marks (tracked changes accepted) count once.
            let (oldRuns, oldStyles) = old.acceptedParagraphs
            let newRuns = new.nonEmptyParagraphs
            #expect(newRuns.count == oldRuns.count, "\(part): paragraph count")
            #expect(!new.markDeleted.contains(true) || name != Self.trackedChanges, "\(part): deleted paragraph mark left")
            for k in 0..<min(oldRuns.count, newRuns.count) where oldRuns[k] != newRuns[k] {
                Issue.record("\(name) \(part) paragraph \(k):\n  before \(oldRuns[k])\n  after  \(newRuns[k])")
                break
            }
            #expect(new.paragraphStyles == oldStyles, "\(part): paragraph styles")
            var oldCounts = old.counts, newCounts = new.counts
            oldCounts["w:p"] = oldRuns.count
            newCounts["w:p"] = newRuns.count
            #expect(newCounts == oldCounts, "\(part): structure counts")
            #expect(new.instrTexts == old.instrTexts, "\(part): field codes")
            if name == Self.trackedChanges {
                let xml = String(decoding: try #require(after.data[part]), as: UTF8.self)
                let deletedLeft = xml.contains("<w:delText"), insertionsLeft = xml.contains("<w:ins ")
                #expect(!deletedLeft, "deleted text left in \(part)")
                #expect(!insertionsLeft, "insertion marks left in \(part)")
            }
        }
        // Reading the output again gives the same paragraphs.
        let outURL = dir.file("out.docx")
        try data.write(to: outURL)
        let reread = try DOCXTextDocument.load(url: outURL)
        #expect(reread.paragraphs.map(\.text) == document.paragraphs.map(\.text))
        #expect(reread.paragraphs.map(\.part) == document.paragraphs.map(\.part))
    }

    /// Paragraphs not given to rewrite() stay byte-identical: only the edited paragraph's
    /// bytes differ in the part.
    @Test func untouchedParagraphsAreByteIdentical() throws {
        let document = try DOCXTextDocument.load(url: Corpus.url("cdtn__reclamation_des_heures_sup.docx"))
        let target = try #require(document.paragraphs.first { $0.part == "word/document.xml" && $0.text.count > 40 })
        let (data, _) = try document.rewrite([target.id: "Texte remplacé."])
        let dir = try TemporaryDirectory()
        let before = try ZipContents(Corpus.url("cdtn__reclamation_des_heures_sup.docx"))
        let after = try ZipContents(data, in: dir)
        for part in document.textPartNames where part != "word/document.xml" {
            #expect(after.data[part] == before.data[part], "\(part) changed")
        }
        let old = [UInt8](try #require(before.data["word/document.xml"]))
        let new = [UInt8](try #require(after.data["word/document.xml"]))
        let prefix = zip(old, new).prefix { $0 == $1 }.count
        let suffix = zip(old.reversed(), new.reversed()).prefix { $0 == $1 }.count
        let changed = String(decoding: new[prefix..<(new.count - suffix)], as: UTF8.self)
        #expect(changed.contains("Texte remplacé."))
        #expect(old.count - prefix - suffix < target.text.utf8.count + 400, "more than one paragraph changed: \(changed)")
        let outURL = try TemporaryDirectory()
        try data.write(to: outURL.file("o.docx"))
        let reread = try DOCXTextDocument.load(url: outURL.file("o.docx"))
        #expect(reread.paragraphs[target.id].text == "Texte remplacé.")
    }
}

/// Rewritten parts are deflated at zlib's normal level (6), not libzip's maximum (9, about
/// 2.5× slower): the central directory's deflate option bits say "normal" for them, and
/// untouched entries keep theirs.
@Suite("Compression of rewritten parts")
struct CompressionLevelTests {
    /// General-purpose flags of each central directory record, by entry name.
    static func centralFlags(_ data: Data) -> [String: UInt16] {
        let b = [UInt8](data)
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var eocd = b.count - 22
        while eocd > 0, u32(eocd) != 0x0605_4B50 { eocd -= 1 }
        var p = u32(eocd + 16)
        var flags: [String: UInt16] = [:]
        for _ in 0..<u16(eocd + 10) {
            let nameLength = u16(p + 28)
            flags[String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)] = UInt16(u16(p + 8))
            p += 46 + nameLength + u16(p + 30) + u16(p + 32)
        }
        return flags
    }

    @Test func rewrittenPartsAreDeflatedAtTheNormalLevel() throws {
        let url = Corpus.url("docx4j__Docx4j_GettingStarted.docx")
        let document = try DOCXTextDocument.load(url: url)
        let (data, _) = try document.rewrite(Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, $0.text) }))
        let before = Self.centralFlags(try Data(contentsOf: url)), after = Self.centralFlags(data)
        #expect(after.count == before.count)
        // Bits 1-2 for deflate: 0 normal, 1 maximum, 2 fast, 3 super fast.
        #expect(try #require(after["word/document.xml"]) & 0b110 == 0, "document.xml not at the normal level")
        for (name, flags) in before where !document.textPartNames.contains(name) {
            #expect(after[name] == flags, "\(name)")
        }
    }
}
