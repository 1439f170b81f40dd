import Foundation
import GuichetCore
import Hummingbird
import Logging

/// Signs requests in from their session cookie, sends anyone without a valid session to the
/// sign-in page, and reads and CSRF-checks every POST's form before any handler runs, so no
/// route can forget either check.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let accounts: any AccountStore
    let maxUploadBytes: Int
    let renderer: PageRenderer

    static let sessionCookie = "guichet_session"
    static let loginCookie = "guichet_login"
    /// Paths served to anyone: the sign-in page, the style sheet, and the probes for ops.
    static func isPublic(_ path: String) -> Bool {
        path == "/login" || path == "/static/guichet.css" || path == "/healthz" || path == "/metrics" || path == "/favicon.ico"
    }

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let path = request.uri.path
        if let token = request.cookies[Self.sessionCookie]?.value, Self.looksLikeToken(token),
           let session = try await accounts.session(token: token), session.expiresAt > Date(),
           let account = try await accounts.account(named: session.accountName), !account.disabled {
            context.session = session
            context.account = account
        }
        let isPublic = Self.isPublic(path)
        if context.session == nil && !isPublic {
            if request.method == .get || request.method == .head {
                return PageRenderer.redirect("/login?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/queue"))
            }
            return renderer.message(renderer.texts.error, renderer.texts.sessionExpired, status: .forbidden, context: context)
        }
        if request.method == .post {
            let limit = path.hasSuffix("/upload") ? maxUploadBytes + 64 * 1024 : 256 * 1024
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: limit)
            } catch {
                return renderer.message(renderer.texts.error, renderer.texts.badRequest, status: .contentTooLarge, context: context)
            }
            let form: FormInput
            do {
                form = try FormParser.parse(body: body, contentType: request.headers[.contentType])
            } catch {
                return renderer.message(renderer.texts.error, renderer.texts.badRequest, status: .badRequest, context: context)
            }
            // Signed in: the session's token. Signing in: the token set in a cookie by the
            // sign-in page (double submit), since there is no session yet.
            let expected = context.session?.csrfToken ?? (path == "/login" ? request.cookies[Self.loginCookie]?.value : nil)
            guard let expected, let given = form["csrf"], Self.constantTimeEqual(expected, given) else {
                context.logger.notice("form refused: missing or wrong CSRF token", metadata: ["guichet.web.path": "\(path)"])
                return renderer.message(renderer.texts.error, renderer.texts.csrfRefused, status: .forbidden, context: context)
            }
            context.form = form
        }
        return try await next(request, context)
    }

    /// Session tokens are 64 hex characters; anything else is not looked up.
    static func looksLikeToken(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// 32 random bytes as hex, from the system's secure generator.
    static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
