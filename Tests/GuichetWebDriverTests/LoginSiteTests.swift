import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The test site itself, without a browser: a broken site would otherwise read as a browser bug.
struct LoginSiteTests {
    private func request(_ method: String, _ target: String, cookie: String? = nil, body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, target: target, headers: cookie.map { ["cookie": $0] } ?? [:], body: Data(body.utf8))
    }

    @Test func postSetsAnASCIICookieAndRedirectsWith303() {
        let response = LoginSite.respond(to: request("POST", "/login", body: "name=%C3%89lo%C3%AFse+D."))
        #expect(response.status == 303)
        let headers = Dictionary(response.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["Location"] == "/bonjour")
        #expect(headers["Set-Cookie"]?.hasPrefix("guichet_approver=%C3%89lo%C3%AFse%20D.;") == true)
        #expect(headers["Set-Cookie"]?.allSatisfy(\.isASCII) == true)
    }

    @Test func greetingNeedsTheCookieAndEscapesTheName() {
        let anonymous = LoginSite.respond(to: request("GET", "/bonjour"))
        #expect(anonymous.status == 401)
        #expect(!String(decoding: anonymous.body, as: UTF8.self).contains("Bonjour"))

        let greeted = LoginSite.respond(to: request("GET", "/bonjour", cookie: "x=1; guichet_approver=%3Cb%3E%C3%89lo%C3%AFse"))
        #expect(greeted.status == 200)
        #expect(String(decoding: greeted.body, as: UTF8.self).contains("Bonjour &lt;b&gt;Éloïse</h1>"))
    }

    @Test func emptyNameIsRefused() {
        #expect(LoginSite.respond(to: request("POST", "/login", body: "name=")).status == 400)
        #expect(LoginSite.respond(to: request("GET", "/favicon.ico")).status == 404)
    }

    @Test(.timeLimit(.minutes(1)))
    func servesTheFormOverTCP() async throws {
        let site = try LoginSite.start()
        defer { site.stop() }
        let (data, response) = try await URLSession(configuration: .ephemeral).data(from: site.url("/login?from=test"))
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        #expect(String(decoding: data, as: UTF8.self).contains(#"<input id="name" name="name""#))
        #expect(site.requests.map(\.target) == ["/login?from=test"])
    }
}
