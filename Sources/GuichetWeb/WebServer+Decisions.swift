import Foundation
import GuichetCore
import GuichetDOCXText
import GuichetJobs
import Hummingbird

extension WebServer {
    func addDecisionRoutes(_ router: Router<WebContext>) {
        router.post("/items/:id/approve") { _, context in
            try await decide(context) { job, account, form in
                do {
                    _ = try await desk.approve(job.id, by: account.name, comment: form.text("comment"))
                } catch let e as GuichetError where e.code == .publicationPending {
                    // The decision stands; only the delivery waits, and the daemon finishes it.
                    return "/queue?done=approvedPending"
                }
                return "/queue?done=approved"
            }
        }
        router.post("/items/:id/reject") { _, context in
            try await decide(context) { job, account, form in
                _ = try await desk.reject(job.id, by: account.name, reason: form.text("reason") ?? "")
                return "/queue?done=rejected"
            }
        }
        router.post("/items/:id/rerun") { _, context in
            try await decide(context) { job, account, form in
                _ = try await desk.rerun(job.id, by: account.name, instruction: form.text("instruction") ?? "")
                return "/queue?done=rerun"
            }
        }
        router.post("/items/:id/edit") { _, context in
            try await decide(context) { job, account, form in
                guard let text = form["text"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw GuichetError(.configuration, "empty edit", userMessage: "Le texte corrigé est vide.")
                }
                let files = desk.resultFiles(of: job)
                guard let primary = files.first, ["md", "txt"].contains(primary.pathExtension.lowercased()) else {
                    throw GuichetError(.conflict, "the result is not text", userMessage: "Ce résultat n'est pas un texte : envoyez un fichier corrigé.")
                }
                // Browsers send CRLF line ends from a textarea; the result keeps LF.
                let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
                var newFiles = [primary.lastPathComponent: Data(normalized.utf8)]
                if let deriver {
                    for (k, v) in try deriver.derivedFiles(job: job, editedName: primary.lastPathComponent, text: normalized, otherFiles: Array(files.dropFirst())) {
                        newFiles[k] = v
                    }
                }
                _ = try await desk.replaceResult(job.id, by: account.name, files: newFiles, note: "edited on the web page")
                return "/items/\(job.id)?done=edited"
            }
        }
        router.post("/items/:id/upload") { _, context in
            try await decide(context) { job, account, form in
                guard let file = form.files["file"], !file.data.isEmpty else {
                    throw GuichetError(.configuration, "no file", userMessage: "Choisissez un fichier DOCX.")
                }
                guard file.data.count <= configuration.web.maxUploadBytes else {
                    throw GuichetError(.tooLarge, "upload too large", userMessage: "Le fichier dépasse la taille permise.")
                }
                let files = desk.resultFiles(of: job)
                guard let primary = files.first, primary.pathExtension.lowercased() == "docx" else {
                    throw GuichetError(.conflict, "the result is not a DOCX", userMessage: "Ce résultat n'est pas un DOCX.")
                }
                try checkDOCX(file.data, job: job)
                _ = try await desk.replaceResult(job.id, by: account.name, files: [primary.lastPathComponent: Data(file.data)],
                                                 note: "corrected DOCX uploaded on the web page")
                return "/items/\(job.id)?done=edited"
            }
        }
    }

    /// An uploaded DOCX passes the same safety checks as a dropped one (zip limits, no
    /// DOCTYPE or entities, a real word document) before it may replace a result.
    func checkDOCX(_ bytes: [UInt8], job: Job) throws {
        let dir = layout.jobDir(job.id).appendingPathComponent(".upload", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("check.docx")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(bytes).write(to: url)
        do {
            _ = try DOCXTextDocument.load(url: url)
        } catch {
            throw GuichetError(.unsupportedFormat, "uploaded DOCX refused: \(error)",
                               userMessage: "Le fichier envoyé n'est pas un document DOCX valide : \(error)")
        }
    }

    /// The common frame of every decision: the job must be visible to the account, the
    /// decision goes through the review desk, and a refusal comes back as a clear page.
    func decide(_ context: WebContext, _ act: (Job, Account, FormInput) async throws -> String) async throws -> Response {
        let account = try context.requireAccount()
        guard let job = try await visibleJob(context.parameters.get("id"), context), let form = context.form else { return notFound(context) }
        do {
            return PageRenderer.redirect(try await act(job, account, form))
        } catch let e as GuichetError {
            context.logger.notice("decision refused", metadata: ["guichet.job.id": "\(job.id)", "guichet.error.code": "\(e.code)"])
            let status: HTTPResponse.Status = e.code == .conflict ? .conflict : e.code == .notFound ? .notFound : .badRequest
            return renderer.message(texts.error, e.userMessage, status: status, context: context)
        }
    }
}
