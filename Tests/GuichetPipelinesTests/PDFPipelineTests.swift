import Foundation
import GuichetCore
import GuichetDOCX
import GuichetDOCXText
import GuichetJobs
import GuichetPipelines
import Testing

/// PDFs from the corpus through a pipeline, with a fake model that upper-cases what it is sent.
@Suite(.serialized) struct PDFPipelineTests {
    @Test func aFrenchPDFComesBackAsMarkdownAndDOCX() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let job = try await h.claim("décision.pdf", try PipelineHarness.corpus("albert__JO-2023-06-21_decision-DINUM.pdf"), sub: ["en"])
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let md = try h.result(done)
        #expect(done.resultPath?.hasSuffix("décision.en.md") == true)
        #expect(md.contains("<!-- page 1 -->") && md.contains("<!-- page 2 -->"), "page numbers kept for citations")
        #expect(md.contains("DIRECTION INTERMINISTÉRIELLE DU NUMÉRIQUE") || md.contains("NUMÉRIQUE"))
        #expect(!h.server.chatRequests.contains { ($0.lastUserMessage ?? "").contains("<!-- page") }, "page markers never reach the model")
        let docx = try h.layout.stateFile(done.resultPath!).deletingLastPathComponent().appendingPathComponent("décision.en.docx")
        let paragraphs = try DOCXReader.text(of: docx)
        #expect(paragraphs.count > 5)
        #expect(paragraphs.joined(separator: " ").contains("NUMÉRIQUE"))
        // LibreOffice opens the rebuilt DOCX and renders its text.
        let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let lo = try #require(soffice, "LibreOffice missing: install libreoffice-writer-nogui (make test does)")
        let out = h.root.appendingPathComponent("lo")
        let profile = h.root.appendingPathComponent("lo-profile")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: lo)
        p.arguments = ["-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to", "pdf", "--outdir", out.path, docx.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let pdf = out.appendingPathComponent("décision.en.pdf")
        let text = Process()
        text.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        text.arguments = [pdf.path, "-"]
        let pipe = Pipe()
        text.standardOutput = pipe
        try text.run()
        let rendered = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        text.waitUntilExit()
        #expect(rendered.contains("NUMÉRIQUE"), "LibreOffice rendered the rebuilt document")
    }

    @Test func aProtectedPDFFailsClearlyThenOpensWithItsSidecar() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let pdf = try PipelineHarness.corpus("pypdf__libreoffice-writer-password.pdf")
        let locked = try await h.claim("secret.pdf", pdf)
        guard case .failed(_, let e) = await h.runner().run(locked) else { Issue.record("not failed"); return }
        #expect(e.code.rawValue == "pdf_encrypted")
        let note = try String(contentsOf: h.failedDir().appendingPathComponent("secret.pdf.error.txt"), encoding: .utf8)
        #expect(note.contains("mot de passe") && note.contains(".password"))
        #expect(try Data(contentsOf: h.failedDir().appendingPathComponent("secret.pdf")) == pdf, "the original is kept intact")

        // Dropped again with its password beside it.
        let dir = h.layout.watchDir.appendingPathComponent("translate")
        try "openpassword\n".write(to: dir.appendingPathComponent("secret2.pdf.password"), atomically: true, encoding: .utf8)
        let unlocked = try await h.claim("secret2.pdf", pdf)
        guard case .awaitingReview(let done) = await h.runner().run(unlocked) else { Issue.record("not done"); return }
        #expect(!(try h.result(done)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("secret2.pdf.password").path))
    }

    @Test func aFileNamedPDFThatIsNotOneIsHandedBackWithAnExplanation() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let job = try await h.claim("faux.pdf", "Ceci n'est pas un PDF.")
        guard case .failed(_, let e) = await h.runner().run(job) else { Issue.record("not failed"); return }
        #expect(e.code == .unsupportedFormat)
        #expect(FileManager.default.fileExists(atPath: h.failedDir().appendingPathComponent("faux.pdf.error.txt").path))
        #expect(h.server.chatRequests.isEmpty)
    }
}

struct PDFProofreadingTests {
    @Test func correctionsToAPDFComeBackAsTrackedChangesInTheRebuiltDocument() async throws {
        let h = try PipelineHarness(behavior: { r in
            .chat(content: (r.lastUserMessage ?? "").replacingOccurrences(of: "délégation", with: "délégations"))
        })
        let job = try await h.claim("décision.pdf", try PipelineHarness.corpus("albert__JO-2023-06-21_decision-DINUM.pdf"), folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let out = try h.layout.stateFile(done.resultPath!)
        #expect(out.lastPathComponent == "décision.corrige.docx")
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        #expect(xml.contains("<w:ins ") && xml.contains("w:author=\"Guichet\""))
        let accepted = try DOCXTextDocument.load(url: out).paragraphs.map(\.text).joined(separator: " ")
        #expect(accepted.contains("délégations") && !accepted.contains("délégation "))
        #expect(!Correction.stored(inJobDir: h.layout.jobDir(job.id)).isEmpty)
    }
}
