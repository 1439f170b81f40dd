import Foundation
@testable import GuichetDOCXText
import Testing

@Suite struct RevisionTests {
    static let date = Date(timeIntervalSince1970: 1_780_000_000)

    /// Body paragraphs of the loaded document, in order.
    static func body(_ document: DOCXTextDocument) -> [DOCXParagraphText] {
        document.paragraphs.filter { $0.part == "word/document.xml" }
    }

    /// The corrections the tests apply: ~5% of the words of every body paragraph.
    static func corrections(_ document: DOCXTextDocument) -> [Int: String] {
        var out: [Int: String] = [:]
        for p in body(document) where !p.text.isEmpty { out[p.id] = proofread(p.text, seed: p.id) }
        return out
    }

    @Test(arguments: RevisionCorpus.docxNames)
    func acceptAndRejectGiveBackBothTexts(_ name: String) throws {
        let document = try DOCXTextDocument.load(url: RevisionCorpus.url(name))
        let corrected = Self.corrections(document)
        let (data, report) = try document.rewriteAsRevisions(corrected, author: testAuthor, date: Self.date)
        #expect(report.flattened.isEmpty)
        let originalXML = try #require(try zipEntry("word/document.xml", of: try Data(contentsOf: RevisionCorpus.url(name))))
        let revisedXML = try #require(try zipEntry("word/document.xml", of: data))
        let original = RevisionReader.read(originalXML, mode: .acceptAll).paragraphs
        let accepted = RevisionReader.read(revisedXML, mode: .acceptAll)
        let rejected = RevisionReader.read(revisedXML, mode: .rejectAll).paragraphs
        let body = Self.body(document)
        // The independent reader agrees with the module on the original.
        try #require(original.count == body.count, "\(name): reader sees \(original.count) paragraphs, module \(body.count)")
        #expect(accepted.paragraphs.count == body.count)
        #expect(rejected.count == body.count)
        #expect(accepted.misplacedText == 0, "\(name): w:t in a deletion or w:delText outside one")
        var changedParagraphs = 0
        for (k, paragraph) in body.enumerated() where k < accepted.paragraphs.count && k < rejected.count {
            #expect(original[k].text == unmarked(paragraph.text), "\(name) #\(paragraph.id): reader and module disagree")
            // Reject all: the original text with the original formatting, character by character.
            #expect(rejected[k] == original[k], "\(name) #\(paragraph.id): reject-all differs")
            // Accept all: the corrected text; each group's characters keep the group's properties.
            let want = corrected[paragraph.id] ?? paragraph.text
            #expect(accepted.paragraphs[k].text == unmarked(want), "\(name) #\(paragraph.id): accept-all differs")
            if want != paragraph.text { changedParagraphs += 1 }
            let oldGroups = segments(paragraph.text), newGroups = segments(want)
            guard oldGroups.count == newGroups.count, accepted.paragraphs[k].text == unmarked(want) else { continue }
            var expected: [String] = []
            var offset = 0
            for (old, new) in zip(oldGroups, newGroups) {
                let property = original[k].properties.indices.contains(offset) ? original[k].properties[offset] : ""
                expected += Array(repeating: property, count: new.unicodeScalars.count)
                offset += old.unicodeScalars.count
            }
            #expect(accepted.paragraphs[k].properties == expected, "\(name) #\(paragraph.id): formatting changed")
        }
        if corrected.values.contains(where: { $0.count > 200 }) { #expect(changedParagraphs > 0) }
        // Revision ids: ours are unique and never reuse an id already in the document.
        let ours = accepted.revisionIDs.filter(\.ours).map(\.id)
        let theirs = Set(accepted.revisionIDs.filter { !$0.ours }.map(\.id))
        #expect(Set(ours).count == ours.count, "\(name): duplicate revision ids")
        #expect(theirs.isDisjoint(with: ours), "\(name): a revision id reused")
        #expect(!ours.isEmpty || changedParagraphs == 0)
    }

    @Test func identicalTextLeavesThePackageUnchanged() throws {
        let url = RevisionCorpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        let same = Dictionary(uniqueKeysWithValues: document.paragraphs.map { ($0.id, $0.text) })
        let (data, report) = try document.rewriteAsRevisions(same, author: testAuthor, date: Self.date)
        #expect(data == (try Data(contentsOf: url)))
        #expect(report.flattened.isEmpty)
    }

    /// Only the corrected paragraph's bytes change; the rest of the part is byte-identical.
    @Test func otherParagraphsStayByteIdentical() throws {
        let url = RevisionCorpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        let target = try #require(Self.body(document).first { $0.text.split(separator: " ").count > 8 })
        let (data, _) = try document.rewriteAsRevisions([target.id: target.text + " Fin."], author: testAuthor, date: Self.date)
        let before = [UInt8](try #require(try zipEntry("word/document.xml", of: try Data(contentsOf: url))))
        let after = [UInt8](try #require(try zipEntry("word/document.xml", of: data)))
        let (p, k) = document.locations[target.id]
        let element = document.parts[p].elements[document.parts[p].paragraphs[k].element]
        #expect(Array(after.prefix(element.start)) == Array(before.prefix(element.start)))
        let tail = before.count - element.end
        #expect(Array(after.suffix(tail)) == Array(before.suffix(tail)))
        #expect(after != before)
        let xml = String(decoding: after, as: UTF8.self)
        #expect(xml.contains("w:author=\"\(testAuthor)\""))
        #expect(xml.contains("w:date=\"2026-05-28T20:26:40Z\""))
    }

    @Test func mismatchedMarkersLeaveTheParagraphAndAreReported() throws {
        let url = RevisionCorpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        let marked = try #require(document.paragraphs.first { $0.text.contains("⟦1⟧") })
        let plain = try #require(document.paragraphs.first { !$0.text.isEmpty && $0.id != marked.id })
        var cases = [unmarked(marked.text) + " corrigé", marked.text.replacingOccurrences(of: "⟦1⟧", with: "⟦2⟧"), marked.text + "⟦9⟧"]
        if marked.text.contains("⟦2⟧") {
            cases.append(marked.text.replacingOccurrences(of: "⟦1⟧", with: "#").replacingOccurrences(of: "⟦2⟧", with: "⟦1⟧").replacingOccurrences(of: "#", with: "⟦2⟧"))
        }
        let originalXML = try #require(try zipEntry("word/document.xml", of: try Data(contentsOf: url)))
        for bad in cases {
            let (data, report) = try document.rewriteAsRevisions([marked.id: bad], author: testAuthor, date: Self.date)
            #expect(report.flattened == [marked.id])
            #expect(try zipEntry("word/document.xml", of: data) == originalXML, "paragraph touched for \(bad)")
            // Together with a good correction: only the good one is written.
            let both = try document.rewriteAsRevisions([marked.id: bad, plain.id: plain.text + " ajouté"], author: testAuthor, date: Self.date)
            #expect(both.report.flattened == [marked.id])
            let xml = try #require(try zipEntry("word/document.xml", of: both.data))
            let accepted = RevisionReader.read(xml, mode: .acceptAll).paragraphs.map(\.text)
            let body = Self.body(document)
            let index = try #require(body.firstIndex { $0.id == plain.id })
            let markedIndex = try #require(body.firstIndex { $0.id == marked.id })
            #expect(accepted[index] == unmarked(plain.text) + " ajouté")
            #expect(accepted[markedIndex] == unmarked(marked.text))
        }
    }

    @Test func specialCharactersTabsAndBreaksAreEscapedAndRendered() throws {
        let url = RevisionCorpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        let target = try #require(Self.body(document).first { $0.text.count > 20 && !$0.text.contains("⟦") })
        let new = "<b>&amp; \"x\" 'y'\tz\nfin " + target.text
        let (data, _) = try document.rewriteAsRevisions([target.id: new], author: "A & <B> \"C\"", date: Self.date)
        let xml = try #require(try zipEntry("word/document.xml", of: data))
        let index = try #require(Self.body(document).firstIndex { $0.id == target.id })
        let accepted = RevisionReader.read(xml, mode: .acceptAll, author: "A & <B> \"C\"").paragraphs
        let rejected = RevisionReader.read(xml, mode: .rejectAll, author: "A & <B> \"C\"").paragraphs
        #expect(accepted[index].text == new)
        #expect(rejected[index].text == target.text)
    }

    @Test func emptyParagraphGetsAnInsertion() throws {
        let url = RevisionCorpus.url("cdtn__reclamation_des_heures_sup.docx")
        let document = try DOCXTextDocument.load(url: url)
        let empty = try #require(Self.body(document).firstIndex { $0.text.isEmpty })
        let id = Self.body(document)[empty].id
        let (data, _) = try document.rewriteAsRevisions([id: "Nouveau texte"], author: testAuthor, date: Self.date)
        let xml = try #require(try zipEntry("word/document.xml", of: data))
        #expect(RevisionReader.read(xml, mode: .acceptAll).paragraphs[empty].text == "Nouveau texte")
        #expect(RevisionReader.read(xml, mode: .rejectAll).paragraphs[empty].text == "")
    }

    @Test func revisionIDsStartAboveExistingOnes() throws {
        for name in RevisionCorpus.docxNames {
            let document = try DOCXTextDocument.load(url: RevisionCorpus.url(name))
            let (data, _) = try document.rewriteAsRevisions(Self.corrections(document), author: testAuthor, date: Self.date)
            let original = try Data(contentsOf: RevisionCorpus.url(name))
            var existing = 0
            for part in ["word/document.xml", "word/comments.xml"] {
                if let bytes = try zipEntry(part, of: original) { existing = max(existing, RevisionWriter.maxID(in: [UInt8](bytes))) }
            }
            let xml = try #require(try zipEntry("word/document.xml", of: data))
            let ours = RevisionReader.read(xml, mode: .acceptAll).revisionIDs.filter(\.ours).compactMap { Int($0.id) }
            #expect(ours.allSatisfy { $0 > existing }, "\(name)")
        }
    }
}
