import Foundation
import GuichetCore
import Hummingbird

extension WebServer {
    struct AuditPage {
        struct Entry { var at: String; var actor: String; var action: String; var jobID: String; var model: String; var tokens: String; var detail: String }
        var t: WebTexts
        var title: String
        var user: PageRenderer.User?
        var notice: String?
        var entries: [Entry]
        var pageNumber: Int
        var previousURL: String?
        var nextURL: String?
    }

    static let auditPageSize = 100

    func addAuditRoutes(_ router: Router<WebContext>) {
        router.get("/audit") { request, context in
            let account = try context.requireAccount()
            guard account.role == .admin else {
                return renderer.message(texts.error, texts.forbidden, status: .forbidden, context: context)
            }
            let page = max(1, min(100_000, Int(request.uri.queryParameters["page"].map(String.init) ?? "") ?? 1))
            // One more than a page, to know whether there is a next one.
            let entries = try await jobs.recentAudit(limit: Self.auditPageSize + 1, offset: (page - 1) * Self.auditPageSize, decisionsOnly: false)
            return try renderer.render("audit", AuditPage(
                t: texts, title: texts.auditLog, user: PageRenderer.user(context), notice: nil,
                entries: entries.prefix(Self.auditPageSize).map { e in
                    AuditPage.Entry(at: Self.dateText(e.at), actor: e.actor, action: texts.actionLabel(e.action.rawValue), jobID: e.jobID.rawValue,
                                    model: e.model ?? "", tokens: e.promptTokens.map { "\($0) / \(e.completionTokens ?? 0)" } ?? "", detail: e.detail ?? "")
                },
                pageNumber: page, previousURL: page > 1 ? "/audit?page=\(page - 1)" : nil,
                nextURL: entries.count > Self.auditPageSize ? "/audit?page=\(page + 1)" : nil))
        }
    }
}
