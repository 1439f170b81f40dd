import Foundation

/// The site the browser tests drive: a login form whose POST sets a cookie and redirects
/// (303) to a greeting shown only to a request carrying that cookie. A stand-in, in small,
/// for the approvers' page: form posts, cookies, redirects and non-ASCII names.
enum LoginSite {
    static let cookieName = "guichet_approver"

    /// Starts the site on a free 127.0.0.1 port.
    static func start() throws -> TestHTTPServer {
        try TestHTTPServer(handler: respond)
    }

    /// The whole routing, a pure function so it is tested without sockets.
    @Sendable static func respond(to request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/login"):
            return page(200, "OK", title: "Connexion", body: """
                <h1>Connexion des approbateurs</h1>
                <form method="post" action="/login" accept-charset="utf-8">
                  <label for="name">Nom</label>
                  <input id="name" name="name" type="text" autocomplete="off" autofocus>
                  <button id="submit" type="submit">Entrer</button>
                </form>
                """)
        case ("POST", "/login"):
            let name = formFields(request.body)["name"] ?? ""
            guard !name.isEmpty else { return page(400, "Bad Request", title: "Connexion", body: "<p id=\"error\">Nom manquant.</p>") }
            return HTTPResponse(status: 303, reason: "See Other", headers: [
                ("Location", "/bonjour"),
                ("Set-Cookie", "\(cookieName)=\(cookieEncode(name)); Path=/; HttpOnly; SameSite=Lax"),
            ])
        case ("GET", "/bonjour"):
            guard let name = cookies(request)[cookieName].flatMap({ $0.removingPercentEncoding }), !name.isEmpty else {
                return page(401, "Unauthorized", title: "Non identifié",
                            body: "<p id=\"anonymous\">Veuillez vous identifier.</p><a href=\"/login\">Connexion</a>")
            }
            return page(200, "OK", title: "Bonjour", body: "<h1 id=\"greeting\">Bonjour \(escape(name))</h1>")
        default:
            return page(404, "Not Found", title: "Introuvable", body: "<p>Introuvable.</p>")
        }
    }

    // MARK: - Pieces

    private static func page(_ status: Int, _ reason: String, title: String, body: String) -> HTTPResponse {
        let html = """
            <!doctype html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body>\(body)</body></html>
            """
        return HTTPResponse(status: status, reason: reason, headers: [
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
        ], body: Data(html.utf8))
    }

    /// `application/x-www-form-urlencoded`: `+` is a space, the rest percent-encoded UTF-8.
    static func formFields(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    static func cookies(_ request: HTTPRequest) -> [String: String] {
        var jar: [String: String] = [:]
        for item in (request.headers["cookie"] ?? "").split(separator: ";") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { jar[parts[0]] = parts[1] }
        }
        return jar
    }

    /// Cookie values must be ASCII: percent-encode everything but unreserved ASCII.
    /// (`CharacterSet.alphanumerics` would let `É` through: it is Unicode-aware.)
    static func cookieEncode(_ value: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
