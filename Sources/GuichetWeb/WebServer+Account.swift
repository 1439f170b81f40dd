import Foundation
import GuichetCore
import Hummingbird

extension WebServer {
    struct AccountPage {
        var t: WebTexts
        var title: String
        var user: PageRenderer.User?
        var notice: String?
        var name: String
        var role: String
        var pipelines: String?
        var error: String?
    }

    /// An approver's own account: who they are, and a password change that needs the current
    /// password (a session left open on a shared computer must not be enough to take the
    /// account). Changing it signs the account out everywhere else; this browser stays in.
    func addAccountRoutes(_ router: Router<WebContext>) {
        router.get("/account") { _, context in
            let account = try context.requireAccount()
            return try renderer.render("account", accountPage(account, context, error: nil))
        }
        router.post("/account/password") { _, context in
            let account = try context.requireAccount()
            let form = context.form ?? FormInput()
            func refuse(_ message: String, _ status: HTTPResponse.Status) throws -> Response {
                try renderer.render("account", accountPage(account, context, error: message), status: status)
            }
            // The same limit as signing in: guessing the current password here is no easier.
            guard await limiter.allows(name: account.name, address: context.remoteAddress) else {
                context.logger.warning("password change refused: too many attempts", metadata: ["guichet.account": "\(account.name)"])
                return try refuse(texts.tooManyAttempts, .tooManyRequests)
            }
            guard try await accountDesk.authenticate(name: account.name, password: form["current"] ?? "") != nil else {
                await limiter.recordFailure(name: account.name, address: context.remoteAddress)
                context.logger.notice("password change refused: wrong current password", metadata: ["guichet.account": "\(account.name)"])
                return try refuse(texts.wrongCurrentPassword, .forbidden)
            }
            let new = form["new"] ?? ""
            guard new == form["confirm"] else { return try refuse(texts.passwordsDiffer, .badRequest) }
            do {
                try await accountDesk.setPassword(name: account.name, password: new)
            } catch let e as GuichetError {
                return try refuse(e.userMessage, .badRequest)
            }
            await limiter.recordSuccess(name: account.name)
            context.logger.notice("password changed from the web page", metadata: ["guichet.account": "\(account.name)"])
            // setPassword ended every session of the account, this one included: a new one
            // keeps this browser signed in.
            return try await newSession(for: account, redirectTo: "/queue?done=password")
        }
    }

    func accountPage(_ account: Account, _ context: WebContext, error: String?) -> AccountPage {
        AccountPage(t: texts, title: texts.myAccount, user: PageRenderer.user(context), notice: nil, name: account.name,
                    role: account.role == .admin ? texts.roleAdmin : texts.roleApprover,
                    pipelines: account.role == .admin ? nil : account.pipelines.joined(separator: ", "), error: error)
    }
}
