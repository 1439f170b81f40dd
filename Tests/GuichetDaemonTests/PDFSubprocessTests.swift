import Foundation
import GuichetPDF
import GuichetPipelines
import GuichetTestSupport
import Testing

/// The daemon reads PDFs in a child `guichet pdf-extract`: same structure as in-process,
/// errors carried over, a time limit, poppler's chatter kept out of the daemon's log.
@Suite(.serialized) struct PDFSubprocessTests {
    static var corpus: URL { DaemonHarness.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus") }

    @Test func theChildGivesTheSameStructureAndTheSameErrors() async throws {
        let child = SubprocessPDFExtractor(executable: URL(fileURLWithPath: DaemonHarness.binary))
        let jo = Self.corpus.appendingPathComponent("albert__JO-2023-06-21_decision-DINUM.pdf")
        let viaChild = try await child.read(url: jo, options: PDFReaderOptions(), log: nil)
        #expect(viaChild == (try PDFReader.read(url: jo, options: PDFReaderOptions())))
        let locked = Self.corpus.appendingPathComponent("pypdf__libreoffice-writer-password.pdf")
        do {
            _ = try await child.read(url: locked, options: PDFReaderOptions(), log: nil)
            Issue.record("a protected PDF opened without its password")
        } catch let e as PDFError {
            #expect(e.code == .encrypted && e.userMessageFR.contains("mot de passe"))
        }
        let opened = try await child.read(url: locked, options: PDFReaderOptions(password: "openpassword"), log: nil)
        #expect(!opened.blocks.isEmpty, "the password reaches the child through its stdin")
        let tooMany = Self.corpus.appendingPathComponent("apigouv__ProtocoleTechniqueFicoba3-v8.pdf")
        do {
            _ = try await child.read(url: tooMany, options: PDFReaderOptions(maxPages: 10), log: nil)
            Issue.record("page limit not applied in the child")
        } catch let e as PDFError {
            #expect(e.code == .tooManyPages && e.userMessageFR.contains("10"))
        }
    }

    @Test func aReaderThatTakesTooLongIsStopped() async throws {
        let child = SubprocessPDFExtractor(executable: URL(fileURLWithPath: DaemonHarness.binary), timeout: 0.05)
        do {
            _ = try await child.read(url: Self.corpus.appendingPathComponent("apigouv__ProtocoleTechniqueFicoba3-v8.pdf"), options: PDFReaderOptions(), log: nil)
            Issue.record("not stopped")
        } catch let e as PDFError {
            #expect(e.code == .damaged && e.message.contains("longer than"))
        }
    }

    @Test func theDaemonReadsDroppedPDFsInAChild() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: "[llm]\nbackend = \"remote\"\nurl = \"\(server.baseURL)\"\n")
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("jo.pdf", try Data(contentsOf: Self.corpus.appendingPathComponent("albert__JO-2023-06-21_decision-DINUM.pdf")), folder: "translate")
        _ = try h.drop("secret.pdf", try Data(contentsOf: Self.corpus.appendingPathComponent("pypdf__libreoffice-writer-password.pdf")), folder: "translate")
        try await h.wait("one done, one failed", timeout: 60) {
            let waiting = try await h.jobs(.awaitingReview).count
            let failed = try await h.jobs(.failed).count
            return waiting == 1 && failed == 1
        }
        let done = try #require(try await h.jobs(.awaitingReview).first)
        #expect(FileManager.default.fileExists(atPath: h.root.appendingPathComponent("state/jobs/\(done.id)/pdf-reader.log").path))
        let note = try String(contentsOf: h.watch.appendingPathComponent("translate/_failed/secret.pdf.error.txt"), encoding: .utf8)
        #expect(note.contains("mot de passe"))
    }
}
