import Foundation
import GuichetCore
import GuichetJobs
import GuichetPipelines
import Hummingbird

extension WebServer {
    func addItemRoutes(_ router: Router<WebContext>) {
        router.get("/items/:id") { request, context in
            guard let job = try await visibleJob(context.parameters.get("id"), context) else { return notFound(context) }
            let notice = request.uri.queryParameters["done"].map(String.init).flatMap(texts.notice)
            return try renderer.render("item", try await itemPage(job, context, notice: notice))
        }
        router.get("/items/:id/source") { _, context in
            guard let job = try await visibleJob(context.parameters.get("id"), context),
                  let url = try? layout.stateFile(job.originalPath) else { return notFound(context) }
            return try download(url, name: job.sourceName)
        }
        router.get("/items/:id/result/:index") { _, context in
            guard let job = try await visibleJob(context.parameters.get("id"), context),
                  let index = context.parameters.get("index", as: Int.self) else { return notFound(context) }
            let files = desk.resultFiles(of: job)
            guard files.indices.contains(index) else { return notFound(context) }
            return try download(files[index], name: files[index].lastPathComponent)
        }
        router.get("/items/:id/earlier/:version/:index") { _, context in
            guard let job = try await visibleJob(context.parameters.get("id"), context),
                  let version = context.parameters.get("version", as: Int.self),
                  let index = context.parameters.get("index", as: Int.self),
                  let files = desk.earlierResults(of: job.id).first(where: { $0.version == version })?.files,
                  files.indices.contains(index) else { return notFound(context) }
            return try download(files[index], name: files[index].lastPathComponent)
        }
    }

    /// A stored file as an attachment. The path comes from the job record, never from the
    /// request; the name is sent in RFC 6266 form so accents and quotes cannot break the header.
    func download(_ url: URL, name: String) throws -> Response {
        guard let data = try? Data(contentsOf: url) else { throw HTTPError(.notFound) }
        var h = HTTPFields()
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "._-"))) ?? ascii
        h[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
        h[.contentType] = Self.mediaType(url.pathExtension)
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func mediaType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "md": return "text/markdown; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "pdf": return "application/pdf"
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        default: return "application/octet-stream"
        }
    }

    func itemPage(_ job: Job, _ context: WebContext, notice: String?) async throws -> ItemPage {
        let jobDir = layout.jobDir(job.id)
        var chunks = try await jobs.chunks(of: job.id, stage: "map")
        if chunks.isEmpty { chunks = try await jobs.chunks(of: job.id, stage: "reduce") }
        let files = desk.resultFiles(of: job)
        let primary = files.first
        let primaryIsText = primary.map { ["md", "txt"].contains($0.pathExtension.lowercased()) } ?? false
        let primaryText = primaryIsText ? primary.flatMap { try? String(contentsOf: $0, encoding: .utf8) } : nil
        let audit = try await jobs.audit(of: job.id, limit: nil)
        let spent = chunks.compactMap(\.durationMs).reduce(0, +)
        let canDecide = job.state == .awaitingReview
        let sourceText = (try? String(contentsOf: jobDir.appendingPathComponent(DocumentLoader.extractedSourceName), encoding: .utf8))
            ?? (["md", "txt"].contains(job.format) ? (try? layout.stateFile(job.originalPath)).flatMap { try? String(contentsOf: $0, encoding: .utf8) } : nil)
        let records = FindingsRecord.stored(inJobDir: jobDir)
        // Indexed once for all the quotes of the page, and searched the way the check did.
        let finder = records.isEmpty ? nil : sourceText.map(QuoteFinder.init(source:))
        let findings = records.map { f in
            ItemPage.FindingRow(category: f.category, statement: f.statement, citations: f.citations.map { c in
                ItemPage.Citation(quote: c.quote, verified: c.verified, mark: c.verified ? texts.citationVerified : texts.citationNotFound,
                                  page: c.page, context: c.verified ? finder?.context(of: c.quote).map { ItemPage.Context(before: $0.before, match: $0.match, after: $0.after) } : nil)
            })
        }
        let decision = job.decidedBy.map { by in
            "\(texts.stateLabel(job.state.rawValue)) \(texts.byWhom) \(by)" + (job.decidedAt.map { ", " + Self.dateText($0) } ?? "")
                + (job.decisionComment.map { " — \($0)" } ?? "")
        }
        return ItemPage(
            t: texts, title: job.sourceName, user: PageRenderer.user(context), notice: notice,
            id: job.id.rawValue, name: job.sourceName, pipeline: job.pipeline, state: texts.stateLabel(job.state.rawValue),
            received: Self.dateText(job.createdAt), waiting: Self.duration(Date().timeIntervalSince(job.updatedAt)),
            model: job.model ?? "—", promptTokens: job.promptTokens, completionTokens: job.completionTokens,
            timeSpent: spent > 0 ? Self.duration(Double(spent) / 1000) : "—", decision: decision, failure: job.failureReason,
            resultFiles: files.enumerated().map { .init(index: $0.offset, name: $0.element.lastPathComponent) },
            earlier: desk.earlierResults(of: job.id).map { v in
                .init(version: v.version, files: v.files.enumerated().map { .init(index: $0.offset, name: $0.element.lastPathComponent) })
            },
            flags: job.flags,
            corrections: Correction.stored(inJobDir: jobDir).map { .init(before: $0.before, after: $0.after, context: $0.context) },
            findings: findings,
            rows: findings.isEmpty ? ItemPage.rows(chunks, format: job.format) : [],
            resultText: findings.isEmpty && !chunks.isEmpty ? nil : primaryText,
            canDecide: canDecide, csrf: context.session?.csrfToken ?? "",
            editText: canDecide ? primaryText : nil,
            acceptsUpload: canDecide && primary?.pathExtension.lowercased() == "docx",
            audit: audit.map { e in
                ItemPage.Audit(at: Self.dateText(e.at), actor: e.actor, action: texts.actionLabel(e.action.rawValue), model: e.model ?? "",
                               tokens: e.promptTokens.map { "\($0) / \(e.completionTokens ?? 0)" } ?? "", detail: e.detail ?? "")
            })
    }
}
