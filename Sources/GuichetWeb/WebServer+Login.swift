import Foundation
import GuichetCore
import Hummingbird

extension WebServer {
    struct LoginPage {
        var t: WebTexts
        var title: String
        var loginToken: String
        var next: String
        var error: String?
        var user: PageRenderer.User? = nil
        var notice: String? = nil
    }

    func addLoginRoutes(_ router: Router<WebContext>) {
        router.get("/login") { request, context in
            if context.session != nil { return PageRenderer.redirect("/queue") }
            // The token already in the browser is kept: a second load of this page (another
            // tab, the favicon's redirect) must not invalidate a form already shown.
            let existing = request.cookies[SessionMiddleware.loginCookie]?.value
            let token: String = existing.map { "\($0)" }.flatMap { SessionMiddleware.looksLikeToken($0) ? $0 : nil } ?? SessionMiddleware.newToken()
            let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
            var response = try renderer.render("login", LoginPage(t: texts, title: texts.signIn, loginToken: token, next: next, error: nil))
            response.setCookie(Cookie(name: SessionMiddleware.loginCookie, value: token, maxAge: 3600, path: "/login",
                                      secure: configuration.web.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/login") { request, context in
            let form = context.form ?? FormInput()
            let name = form.text("name") ?? ""
            let next = Self.safeNext(form["next"])
            func refuse(_ message: String, status: HTTPResponse.Status) throws -> Response {
                let token = SessionMiddleware.newToken()
                var r = try renderer.render("login", LoginPage(t: texts, title: texts.signIn, loginToken: token, next: next, error: message), status: status)
                r.setCookie(Cookie(name: SessionMiddleware.loginCookie, value: token, maxAge: 3600, path: "/login",
                                   secure: configuration.web.secureCookies, httpOnly: true, sameSite: .strict))
                return r
            }
            guard await limiter.allows(name: name, address: context.remoteAddress) else {
                context.logger.warning("sign-in refused: too many attempts", metadata: ["guichet.account": "\(name.prefix(64))", "guichet.web.client": "\(context.remoteAddress)"])
                return try refuse(texts.tooManyAttempts, status: .tooManyRequests)
            }
            guard let account = try await accountDesk.authenticate(name: name, password: form["password"] ?? "") else {
                await limiter.recordFailure(name: name, address: context.remoteAddress)
                context.logger.notice("sign-in failed", metadata: ["guichet.account": "\(name.prefix(64))", "guichet.web.client": "\(context.remoteAddress)"])
                return try refuse(texts.badCredentials, status: .unauthorized)
            }
            await limiter.recordSuccess(name: name)
            _ = try? await accounts.deleteExpiredSessions(now: Date())
            context.logger.info("signed in", metadata: ["guichet.account": "\(account.name)"])
            var response = try await newSession(for: account, redirectTo: next)
            response.setCookie(Cookie(name: SessionMiddleware.loginCookie, value: "", maxAge: 0, path: "/login",
                                      secure: configuration.web.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/logout") { _, context in
            if let s = context.session { try await accounts.deleteSession(token: s.token) }
            var response = PageRenderer.redirect("/login")
            response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/",
                                      secure: configuration.web.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
    }

    /// A new session for `account` (stored as a digest), its cookie, and a redirect.
    func newSession(for account: Account, redirectTo location: String) async throws -> Response {
        let now = Date()
        let session = WebSession(token: SessionMiddleware.newToken(), accountName: account.name, csrfToken: SessionMiddleware.newToken(),
                                 createdAt: now, expiresAt: now.addingTimeInterval(configuration.web.sessionHours * 3600))
        try await accounts.insertSession(session)
        var response = PageRenderer.redirect(location)
        response.setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: session.token, maxAge: Int(configuration.web.sessionHours * 3600),
                                  path: "/", secure: configuration.web.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    /// Where to go after signing in: only a path of this site (never another host), or the queue.
    static func safeNext(_ s: String?) -> String {
        guard let s, s.hasPrefix("/"), !s.hasPrefix("//"), !s.contains("\\"), s.count < 500,
              s.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else { return "/queue" }
        return s
    }
}
