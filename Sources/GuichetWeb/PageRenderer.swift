import Foundation
import GuichetCore
import Hummingbird
import Mustache

/// Renders the Mustache templates into HTML responses with the page's security headers.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let texts: WebTexts

    init(texts: WebTexts) throws {
        var library = MustacheLibrary()
        for (name, source) in WebTemplates.all {
            try library.register(source, named: name)
        }
        self.library = library
        self.texts = texts
    }

    /// The part of every page that says who is signed in (and the CSRF token of their forms).
    struct User {
        var name: String
        var isAdmin: Bool
        var csrf: String
    }

    static func user(_ context: WebContext) -> User? {
        guard let a = context.account, let s = context.session else { return nil }
        return User(name: a.name, isAdmin: a.role == .admin, csrf: s.csrfToken)
    }

    func render(_ template: String, _ page: some Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(page, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "no template \(template)")
        }
        return Self.html(html, status: status)
    }

    struct Message {
        var t: WebTexts
        var title: String
        var text: String
        var user: User?
    }

    func message(_ title: String, _ text: String, status: HTTPResponse.Status, context: WebContext) -> Response {
        (try? render("message", Message(t: texts, title: title, text: text, user: Self.user(context)), status: status))
            ?? Response(status: status)
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// Security headers on every response: no framing, no script at all, nothing cached.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
