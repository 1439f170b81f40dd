import Foundation
import GuichetCore
import GuichetDOCX
import GuichetDOCXText
import GuichetJobs
import GuichetPipelines
import GuichetTestSupport
import Testing

/// DOCX in, DOCX out through a pipeline, with a fake model on 127.0.0.1.
@Suite(.serialized) struct DOCXPipelineTests {
    @Test func aWordLetterComesBackWithOnlyItsTextChanged() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let source = try PipelineHarness.corpus("cdtn__reclamation_des_heures_sup.docx")
        let job = try await h.claim("réclamation.docx", source, sub: ["en"])
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(done.resultPath?.hasSuffix("réclamation.en.docx") == true)
        let out = try h.layout.stateFile(done.resultPath!)
        let before = try DOCXTextDocument.load(url: h.failedDirSibling(source)).paragraphs
        let after = try DOCXTextDocument.load(url: out).paragraphs
        #expect(before.count == after.count)
        for (b, a) in zip(before, after) {
            #expect(a.text == b.text.uppercased(), "paragraph \(b.id)")
        }
        #expect(done.flags.isEmpty)
        // Everything that is not text is byte-identical.
        let inZip = try ZipReader(url: h.failedDirSibling(source)), outZip = try ZipReader(url: out)
        for e in inZip.entries where !e.name.hasPrefix("word/document") && !e.name.hasPrefix("word/header") && !e.name.hasPrefix("word/footer") && e.name != "docProps/core.xml" {
            #expect(try outZip.data(named: e.name) == inZip.data(named: e.name), "\(e.name)")
        }
        // Markers and code never reach the model as anything but placeholders.
        #expect(!h.server.chatRequests.contains { ($0.lastUserMessage ?? "").contains("<w:") })
    }

    @Test func lostFormattingMarkersKeepTheParagraphAsItWasAndSaySo() async throws {
        let h = try PipelineHarness(behavior: { r in
            .chat(content: (r.lastUserMessage ?? "").replacingOccurrences(of: "⟦1⟧", with: "").uppercased())
        })
        let source = try PipelineHarness.corpus("cdtn__signalement_harcelement_sexuel.docx")
        let job = try await h.claim("lettre.docx", source)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        // The placeholder check keeps such paragraphs in their source text, and flags them.
        #expect(done.flags.contains { $0.contains("éléments protégés") })
        let before = try DOCXTextDocument.load(url: h.failedDirSibling(source)).paragraphs
        let after = try DOCXTextDocument.load(url: h.layout.stateFile(done.resultPath!)).paragraphs
        #expect(before.contains { $0.text.contains("⟦1⟧") })
        for (b, a) in zip(before, after) {
            if b.text.contains("⟦1⟧") {
                #expect(a.text == b.text, "a paragraph whose marker the model dropped keeps its source: \(b.id)")
            } else {
                #expect(a.text == b.text.uppercased(), "the others are transformed: \(b.id)")
            }
        }
    }

    @Test func trackedChangesAreAcceptedAndTheReviewerIsTold() async throws {
        let h = try PipelineHarness(behavior: upperCase) { $0.chunking.maxTokens = 2000; $0.llm.maxConcurrentRequests = 4 }
        let job = try await h.claim("suivi.docx", try PipelineHarness.corpus("nwe__bigfile-01.docx"), folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(done.flags.contains { $0.contains("modifications suivies") })
    }

    @Test func anOldWordFileNamedDocxIsHandedBackWithAnExplanation() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        var ole = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        ole.append(Data(repeating: 0, count: 4096))
        let job = try await h.claim("ancien.docx", ole)
        guard case .failed(_, let e) = await h.runner().run(job) else { Issue.record("not failed"); return }
        #expect(e.code == .unsupportedFormat)
        let note = try String(contentsOf: h.failedDir().appendingPathComponent("ancien.docx.error.txt"), encoding: .utf8)
        #expect(note.contains(".docx"))
        #expect(h.server.chatRequests.isEmpty)
    }
}

extension PipelineHarness {
    /// The corpus file written to a temporary path (ZipReader takes a path).
    func failedDirSibling(_ data: Data) throws -> URL {
        let url = root.appendingPathComponent("in-\(data.count).docx")
        if !FileManager.default.fileExists(atPath: url.path) { try data.write(to: url) }
        return url
    }
}

@Suite(.serialized) struct DOCXProofreadingTests {
    @Test func correctionsComeBackAsTrackedChangesByTheConfiguredAuthor() async throws {
        let h = try PipelineHarness(behavior: { r in
            .chat(content: (r.lastUserMessage ?? "").replacingOccurrences(of: "Madame", with: "Madame,"))
        }) { c in
            if let i = c.pipelines.firstIndex(where: { $0.name == "proofread" }) { c.pipelines[i].revisionAuthor = "Relecture <auto> & Cie" }
        }
        let source = try PipelineHarness.corpus("cdtn__reclamation_des_heures_sup.docx")
        let before = try DOCXTextDocument.load(url: h.failedDirSibling(source)).paragraphs
        #expect(before.contains { $0.text.contains("Madame") })
        let job = try await h.claim("lettre.docx", source, folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let out = try h.layout.stateFile(done.resultPath!)
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        #expect(xml.contains("<w:ins ") && xml.contains("w:author=\"Relecture &lt;auto&gt; &amp; Cie\""))
        // Read with the changes accepted, the text is the corrected one.
        let after = try DOCXTextDocument.load(url: out).paragraphs
        for (b, a) in zip(before, after) {
            #expect(a.text == b.text.replacingOccurrences(of: "Madame", with: "Madame,"))
        }
        #expect(Correction.stored(inJobDir: h.layout.jobDir(job.id)).allSatisfy { $0.after.contains(",") })
    }
}

struct DOCXApprovalStampTests {
    @Test func theApprovedDOCXSaysByWhomInItsProperties() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let job = try await h.claim("note.docx", try PipelineHarness.corpus("cdtn__signalement_harcelement_sexuel.docx"))
        guard case .awaitingReview = await h.runner().run(job) else { Issue.record("not done"); return }
        let desk = ReviewDesk(configuration: h.configuration, layout: h.layout, store: h.store, logger: h.logger, stamp: DOCXApprovalStamp())
        let done = try await desk.approve(job.id, by: "Camille Martin", comment: nil)
        let published = h.layout.outputDir.appendingPathComponent(done.outputPath!)
        let core = String(decoding: try ZipReader(url: published).data(named: "docProps/core.xml"), as: UTF8.self)
        #expect(core.contains("approuvé par Camille Martin"))
        #expect(core.contains("<cp:lastModifiedBy>Camille Martin</cp:lastModifiedBy>"))
        // The text itself is what was approved.
        let review = try DOCXTextDocument.load(url: try h.layout.stateFile(done.resultPath!)).paragraphs.map(\.text)
        #expect(try DOCXTextDocument.load(url: published).paragraphs.map(\.text) == review)
    }
}

struct DOCXEscapingTests {
    @Test func markupAndControlCharactersFromTheModelStillGiveValidXML() async throws {
        let h = try PipelineHarness(behavior: { r in
            let paragraphs = (r.lastUserMessage ?? "").components(separatedBy: "\n\n")
            return .chat(content: paragraphs.map { $0 + " & <b>\"x\"</b> \u{0001}\u{FFFE}'" }.joined(separator: "\n\n"))
        })
        let job = try await h.claim("l.docx", try PipelineHarness.corpus("cdtn__signalement_harcelement_sexuel.docx"))
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        // Loading parses every text part with XMLParser: it fails on invalid XML.
        let after = try DOCXTextDocument.load(url: h.layout.stateFile(done.resultPath!)).paragraphs.map(\.text)
        #expect(after.contains { $0.contains(" & <b>\"x\"</b> '") })
        #expect(!after.contains { $0.unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFE } }, "characters XML forbids are removed")
    }
}

@Suite(.serialized) struct DOCXCommentsTests {
    func commentsXML(_ url: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('word/comments.xml').decode())", url.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func commentsAreLeftAloneUnlessThePipelineAsksForThem() async throws {
        let source = try PipelineHarness.corpus("d2p__test_file_with_comments.docx")
        // Default: comments untouched.
        let h = try PipelineHarness(behavior: upperCase)
        let job = try await h.claim("c.docx", source)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let original = try commentsXML(h.failedDirSibling(source))
        #expect(try commentsXML(h.layout.stateFile(done.resultPath!)) == original)
        // docx_comments = true: comment text goes through the model as well.
        let h2 = try PipelineHarness(behavior: upperCase) { c in
            if let i = c.pipelines.firstIndex(where: { $0.name == "translate" }) { c.pipelines[i].includesDOCXComments = true }
        }
        let job2 = try await h2.claim("c.docx", source)
        guard case .awaitingReview(let done2) = await h2.runner().run(job2) else { Issue.record("not done"); return }
        let before = try DOCXTextDocument.load(url: h2.failedDirSibling(source), includeComments: true).paragraphs.filter { $0.part == "word/comments.xml" }
        let after = try DOCXTextDocument.load(url: h2.layout.stateFile(done2.resultPath!), includeComments: true).paragraphs.filter { $0.part == "word/comments.xml" }
        #expect(!before.isEmpty && before.count == after.count)
        #expect(zip(before, after).allSatisfy { $1.text == $0.text.uppercased() })
        #expect(before.contains { $0.text != $0.text.uppercased() }, "the comments had lower-case text to change")
    }
}
