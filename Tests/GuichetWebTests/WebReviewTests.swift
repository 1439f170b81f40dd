import Foundation
import GuichetCore
import GuichetStore
import GuichetTestSupport
import GuichetWeb
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web page review")
struct WebReviewTests {
    @Test("The queue lists waiting items oldest first, with pages")
    func queueOrderAndPages() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        var ids: [JobID] = []
        for i in 0..<55 { ids.append(try await h.awaitingJob(name: String(format: "doc-%02d.md", i)).id) }
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let first = try await b.get("/queue")
            #expect(first.body.contains("(55 document(s))"))
            let p0 = try #require(first.body.range(of: "doc-00.md")), p1 = try #require(first.body.range(of: "doc-01.md"))
            #expect(p0.lowerBound < p1.lowerBound)
            #expect(!first.body.contains("doc-50.md"))
            #expect(first.body.contains("page=2"))
            let second = try await b.get("/queue?state=awaiting_review&page=2")
            #expect(second.body.contains("doc-54.md"))
            #expect(!second.body.contains("doc-00.md"))
        }
    }

    @Test("Approving while the output folder cannot take the file: approved, told it waits, published later")
    func approveWhilePublicationWaits() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob()
        // Something in the way of Output/translate/ (a share gone read-only would do the same).
        let out = h.layout.outputDir.appendingPathComponent("translate")
        try? FileManager.default.removeItem(at: out)
        try Data("pas un dossier".utf8).write(to: out)
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let p = try await b.post("/items/\(job.id)/approve", ["comment": "ok"])
            #expect(p.status == .seeOther && p.location == "/queue?done=approvedPending")
            #expect(try await b.get("/queue?done=approvedPending").body.contains("il y sera déposé automatiquement"))
        }
        let waiting = try #require(try await h.store.job(job.id))
        #expect(waiting.state == .approved && waiting.decidedBy == "marie" && waiting.outputPath == nil)
        try FileManager.default.removeItem(at: out)
        let (published, stillWaiting) = try await h.desk.publishPending()
        #expect(published == 1 && stillWaiting == 0)
        let done = try #require(try await h.store.job(job.id))
        #expect(try String(contentsOf: h.layout.outputDir.appendingPathComponent(try #require(done.outputPath)), encoding: .utf8) == "Hello world.")
    }

    @Test("Approving on the page publishes to Output and records who")
    func approve() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob()
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let item = try await b.get("/items/\(job.id)")
            #expect(item.body.contains("Bonjour le monde."))
            #expect(item.body.contains("Hello world."))
            #expect(item.body.contains("test-model"))
            let p = try await b.post("/items/\(job.id)/approve", ["comment": "Très bien"])
            #expect(p.status == .seeOther)
            #expect(p.location == "/queue?done=approved")
            #expect(try await b.get("/queue?done=approved").body.contains("approuvé"))
        }
        let done = try #require(try await h.store.job(job.id))
        #expect(done.state == .approved)
        #expect(done.decidedBy == "marie")
        #expect(done.decisionComment == "Très bien")
        let out = h.layout.outputDir.appendingPathComponent(try #require(done.outputPath))
        #expect(try String(contentsOf: out, encoding: .utf8) == "Hello world.")
        let audit = try await h.store.audit(of: job.id, limit: nil)
        #expect(audit.contains { $0.action == .approved && $0.actor == "marie" && $0.model == "test-model" })
    }

    @Test("Rejecting needs a reason; re-running needs an instruction")
    func rejectAndRerun() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let a = try await h.awaitingJob(name: "a.md"), b2 = try await h.awaitingJob(name: "b.md")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let noReason = try await b.post("/items/\(a.id)/reject", ["reason": "  "])
            #expect(noReason.status == .badRequest)
            #expect(noReason.body.contains("raison"))
            #expect(try await b.post("/items/\(a.id)/reject", ["reason": "Mauvais registre"]).status == .seeOther)
            // A decided item cannot be decided again.
            #expect(try await b.post("/items/\(a.id)/approve", [:]).status == .conflict)
            #expect(try await b.post("/items/\(b2.id)/rerun", ["instruction": ""]).status == .badRequest)
            #expect(try await b.post("/items/\(b2.id)/rerun", ["instruction": "garder le terme « délibération »"]).status == .seeOther)
        }
        let rejected = try #require(try await h.store.job(a.id))
        #expect(rejected.state == .rejected)
        #expect(rejected.decisionComment == "Mauvais registre")
        let rerun = try #require(try await h.store.job(b2.id))
        #expect(rerun.state == .queued)
        #expect(rerun.options["instruction"] == "garder le terme « délibération »")
    }

    @Test("A result sent back for a new run is kept, numbered, and offered on the page")
    func earlierResultsAreKept() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob(result: "First version.")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            try await b.get("/items/\(job.id)")
            #expect(try await b.post("/items/\(job.id)/rerun", ["instruction": "plus court"]).status == .seeOther)
            // The new run writes its result (as ResultWriter does) and waits for review again.
            let resultFile = try h.layout.stateFile(try #require(job.resultPath))
            try Data("Second version.".utf8).write(to: resultFile)
            _ = try await h.store.transition(job.id, from: [.queued], to: .awaitingReview, audit: nil) { _ in }
            let page = try await b.get("/items/\(job.id)").body
            #expect(page.contains("Résultats précédents"))
            #expect(page.contains("<a href=\"/items/\(job.id)/earlier/1/0\">note.en.md</a>"))
            let earlier = try await b.get("/items/\(job.id)/earlier/1/0")
            #expect(earlier.status == .ok && earlier.body == "First version.")
            #expect(try await b.get("/items/\(job.id)/result/0").body == "Second version.")
            // Only versions and indexes that exist: nothing else is reachable.
            #expect(try await b.get("/items/\(job.id)/earlier/2/0").status == .notFound)
            #expect(try await b.get("/items/\(job.id)/earlier/1/1").status == .notFound)
            #expect(try await b.get("/items/\(job.id)/earlier/..%2F..%2Fresult/0").status == .notFound)
        }
        let audit = try await h.store.audit(of: job.id, limit: nil)
        #expect(audit.contains { $0.action == .requeued && ($0.detail ?? "").contains("earlier result kept as version 1") })
    }

    @Test("Editing a text result keeps the machine's version and records the edit")
    func editText() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob()
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let item = try await b.get("/items/\(job.id)")
            #expect(item.body.contains("<textarea name=\"text\""))
            let p = try await b.post("/items/\(job.id)/edit", ["text": "Hello, world!\r\nSecond line & <b>."])
            #expect(p.status == .seeOther)
            #expect(try await b.get(try #require(p.location)).body.contains("Correction enregistrée"))
        }
        let result = h.layout.stateDir.appendingPathComponent(try #require(job.resultPath))
        #expect(try String(contentsOf: result, encoding: .utf8) == "Hello, world!\nSecond line & <b>.")
        let machine = h.layout.jobDir(job.id).appendingPathComponent("machine").appendingPathComponent(result.lastPathComponent)
        #expect(try String(contentsOf: machine, encoding: .utf8) == "Hello world.")
        let audit = try await h.store.audit(of: job.id, limit: nil)
        #expect(audit.contains { $0.action == .edited && $0.actor == "marie" })
        #expect(try await h.store.job(job.id)?.flags.contains { $0.contains("marie") } == true)
    }

    @Test("A corrected DOCX upload passes the DOCX checks and the size limit")
    func uploadDOCX() async throws {
        let h = try WebHarness { $0.web.maxUploadBytes = 200 * 1024 }
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob(name: "lettre.docx", result: "PK-not-really", resultExtension: "docx")
        let docx = try Data(contentsOf: Corpus.url("cdtn__reclamation_des_heures_sup.docx"))
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            #expect(try await b.get("/items/\(job.id)").body.contains("multipart/form-data"))
            let notDocx = try await b.upload("/items/\(job.id)/upload", file: Data("just text".utf8), fileName: "x.docx")
            #expect(notDocx.status == .badRequest)
            #expect(notDocx.body.contains("DOCX"))
            let big = try await b.upload("/items/\(job.id)/upload", file: Data(count: 400 * 1024), fileName: "big.docx")
            #expect(big.status == .contentTooLarge)
            let ok = try await b.upload("/items/\(job.id)/upload", file: docx, fileName: "corrigé.docx")
            #expect(ok.status == .seeOther)
        }
        let result = h.layout.stateDir.appendingPathComponent(try #require(job.resultPath))
        #expect(try Data(contentsOf: result) == docx)
        let machine = h.layout.jobDir(job.id).appendingPathComponent("machine").appendingPathComponent(result.lastPathComponent)
        #expect(try Data(contentsOf: machine) == Data("PK-not-really".utf8))
    }

    @Test("Word-level changes are marked for a correction, not for a translation")
    func wordDiff() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie", pipelines: ["proofread", "translate"])
        let proof = try await h.awaitingJob(pipeline: "proofread", name: "p.md", source: "Les enfant sont aller a l'école.",
                                            result: "Les enfants sont allés à l'école.")
        let trans = try await h.awaitingJob(pipeline: "translate", name: "t.md", source: "Bonjour le monde.", result: "Hello world.")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let p = try await b.get("/items/\(proof.id)").body
            #expect(p.contains("<del>enfant</del>"))
            #expect(p.contains("<ins>enfants</ins>"))
            let t = try await b.get("/items/\(trans.id)").body
            #expect(!t.contains("<del>"))
            #expect(t.contains("Hello world."))
        }
    }

    @Test("The audit log page lists every decision, for admins")
    func auditPage() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("ana", role: .admin, pipelines: [])
        let job = try await h.awaitingJob()
        _ = try await h.desk.reject(job.id, by: "cli-user", reason: "Hors sujet")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("ana")
            let page = try await b.get("/audit")
            #expect(page.status == .ok)
            #expect(page.body.contains("cli-user"))
            #expect(page.body.contains("Hors sujet"))
            #expect(page.body.contains("refusé"))
        }
    }
}

@Suite("Web page SWOT view")
struct WebFindingsTests {
    @Test("SWOT points show their verification marks and each verified quote in its context")
    func findingsWithContext() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie", pipelines: ["swot"])
        let source = "Introduction.\n\nLa commune dispose d’un   réseau de bibliothèques très fréquenté, y compris le dimanche.\n\n"
            + "Le budget **participatif** — voté en 2023 — a réuni 4 000 votants.\n\nConclusion."
        let job = try await h.awaitingJob(pipeline: "swot", name: "rapport.md", source: source, result: "# SWOT\n\n…")
        let dir = h.layout.jobDir(job.id)
        try Data(source.utf8).write(to: dir.appendingPathComponent("source.md"))
        let findings = """
            [{"category":"Forces","statement":"Bibliothèques fréquentées","citations":[{"quote":"dispose d'un réseau de bibliothèques","verified":true,"page":3}]},
             {"category":"Forces","statement":"Budget participatif","citations":[{"quote":"budget participatif - voté en 2023","verified":true},
                                                                                  {"quote":"Le budget ... a réuni 4 000 votants.","verified":true}]},
             {"category":"Menaces","statement":"Point inventé","citations":[{"quote":"la piscine ferme","verified":false}]}]
            """
        try Data(findings.utf8).write(to: dir.appendingPathComponent("findings.json"))
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            let page = try await b.get("/items/\(job.id)").body
            #expect(page.contains("Forces — Bibliothèques fréquentées"))
            #expect(page.contains("✓ vérifiée"))
            #expect(page.contains("(p. 3)"))
            #expect(page.contains("✗ citation introuvable"))
            // The quote is found despite the typographic apostrophe and the extra spaces, and
            // shown with what surrounds it in the source.
            #expect(page.contains("<mark>dispose d’un   réseau de bibliothèques</mark> très fréquenté"))
            #expect(page.contains("Introduction."))
            // Found as the citation check finds it: Markdown emphasis and dashes are ignored,
            // and an elided quote spans from its first part to its last.
            #expect(page.contains("<mark>budget **participatif** — voté en 2023</mark> — a réuni"))
            #expect(page.contains("<mark>Le budget **participatif** — voté en 2023 — a réuni 4 000 votants</mark>."))
        }
    }
}

@Suite("Web page failed items")
struct WebFailedItemTests {
    @Test("A failed item shows why, and offers no decision")
    func failedItem() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("ana", role: .admin, pipelines: [])
        let job = try await h.awaitingJob(name: "scan.pdf")
        try await h.store.transition(job.id, from: [.awaitingReview], to: .approved, audit: nil) { _ in }
        var failed = Job(pipeline: "translate", sourceName: "image.pdf", sourceRelativePath: "image.pdf", originalPath: "jobs/x/original.pdf", format: "pdf", state: .failed)
        failed.failureReason = "Ce PDF ne contient que des images : il faut d'abord le passer en reconnaissance de caractères (OCR)."
        try await h.store.insert(failed, audit: AuditEntry(jobID: failed.id, actor: "guichet", action: .failed))
        let failedID = failed.id
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("ana")
            let page = try await b.get("/items/\(failedID)").body
            #expect(page.contains("reconnaissance de caractères (OCR)"))
            #expect(!page.contains("/items/\(failedID)/approve"))
            #expect(try await b.get("/queue?state=failed").body.contains("image.pdf"))
            // A decided item cannot be decided again from its page either.
            #expect(!(try await b.get("/items/\(job.id)").body.contains("/approve")))
        }
    }
}
