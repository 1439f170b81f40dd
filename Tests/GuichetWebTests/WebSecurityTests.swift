import Foundation
import GuichetCore
import GuichetStore
import GuichetWeb
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web page security")
struct WebSecurityTests {
    @Test("Every page but sign-in needs a session; a POST without one is refused")
    func sessionRequired() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        let job = try await h.awaitingJob()
        try await h.application().test(.router) { client in
            let b = Browser(client)
            for path in ["/queue", "/items/\(job.id)", "/audit", "/items/\(job.id)/source", "/items/\(job.id)/result/0", "/"] {
                let p = try await b.get(path)
                #expect(p.status == .seeOther, "\(path)")
                if path != "/" { #expect(p.location?.hasPrefix("/login") == true, "\(path)") }
            }
            #expect(try await b.get("/login").status == .ok)
            let refused = try await b.post("/items/\(job.id)/approve", ["comment": "ok", "csrf": "x"])
            #expect(refused.status == .forbidden)
        }
        #expect(try await h.store.job(job.id)?.state == .awaitingReview)
    }

    @Test("Sign-in sets an HttpOnly, SameSite=Strict session cookie; a wrong password does not")
    func signInCookie() async throws {
        let h = try WebHarness { $0.web.secureCookies = true }
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            let bad = try await b.signIn("marie", password: "wrong password!")
            #expect(bad.status == .unauthorized)
            #expect(bad.body.contains("incorrect"))
            #expect(b.cookies["guichet_session"] == nil)
            try await b.get("/login")
            let ok = try await b.post("/login", ["name": "marie", "password": WebHarness.password])
            #expect(ok.status == .seeOther)
            let cookie = ok.headers[values: .setCookie].first { $0.hasPrefix("guichet_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Secure"))
            #expect(try await b.get("/queue").status == .ok)
        }
    }

    @Test("A forged or expired session is refused")
    func forgedAndExpiredSessions() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let expired = WebSession(token: String(repeating: "a", count: 64), accountName: "marie", csrfToken: "t",
                                 createdAt: Date().addingTimeInterval(-7200), expiresAt: Date().addingTimeInterval(-60))
        try await h.store.insertSession(expired)
        try await h.application().test(.router) { client in
            let b = Browser(client)
            b.cookies["guichet_session"] = String(repeating: "b", count: 64)
            #expect(try await b.get("/queue").status == .seeOther)
            b.cookies["guichet_session"] = "../../etc/passwd"
            #expect(try await b.get("/queue").status == .seeOther)
            b.cookies["guichet_session"] = expired.token
            #expect(try await b.get("/queue").status == .seeOther)
            b.cookies = [:]
            try await b.signIn("marie")
            #expect(try await b.get("/queue").status == .ok)
            // Disabling the account ends its sessions at once.
            try await h.accounts.disable(name: "marie")
            #expect(try await b.get("/queue").status == .seeOther)
        }
    }

    @Test("A POST without a valid CSRF token is refused and changes nothing")
    func csrfRequired() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob()
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            for action in ["approve", "reject", "rerun", "edit"] {
                let missing = try await b.post("/items/\(job.id)/\(action)", ["reason": "r", "instruction": "i", "text": "t"], csrf: false)
                #expect(missing.status == .forbidden, "\(action)")
                let wrong = try await b.post("/items/\(job.id)/\(action)", ["reason": "r", "instruction": "i", "text": "t", "csrf": String(repeating: "0", count: 64)])
                #expect(wrong.status == .forbidden, "\(action)")
            }
            #expect(try await b.post("/logout", [:], csrf: false).status == .forbidden)
            // Signing in needs the token the sign-in page set in its cookie.
            let other = Browser(client)
            let forged = try await other.post("/login", ["name": "marie", "password": WebHarness.password, "csrf": "abc"])
            #expect(forged.status == .forbidden)
        }
        let after = try #require(try await h.store.job(job.id))
        #expect(after.state == .awaitingReview)
        #expect(after.flags.isEmpty)
    }

    @Test("An approver neither sees nor acts on another pipeline's items, even guessing IDs")
    func pipelineIsolation() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("paul", pipelines: ["proofread"])
        let translate = try await h.awaitingJob(pipeline: "translate", name: "secret-translate.md")
        let proofread = try await h.awaitingJob(pipeline: "proofread", name: "mine.md")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("paul")
            let queue = try await b.get("/queue")
            #expect(queue.body.contains("mine.md"))
            #expect(!queue.body.contains("secret-translate"))
            let filtered = try await b.get("/queue?pipeline=translate")
            #expect(!filtered.body.contains("secret-translate"))
            #expect(try await b.get("/items/\(translate.id)").status == .notFound)
            #expect(try await b.get("/items/\(translate.id)/source").status == .notFound)
            #expect(try await b.get("/items/\(translate.id)/result/0").status == .notFound)
            #expect(try await b.get("/items/\(proofread.id)").status == .ok)
            let act = try await b.post("/items/\(translate.id)/approve", ["comment": "x"])
            #expect(act.status == .notFound)
            #expect(try await b.post("/items/\(translate.id)/reject", ["reason": "x"]).status == .notFound)
            #expect(try await b.get("/audit").status == .forbidden)
        }
        #expect(try await h.store.job(translate.id)?.state == .awaitingReview)
    }

    @Test("No request parameter becomes a file path")
    func noPathFromRequest() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("ana", role: .admin, pipelines: [])
        let job = try await h.awaitingJob()
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("ana")
            for path in ["/items/..%2F..%2Fguichet.sqlite", "/items/../../etc/passwd/source", "/items/\(job.id)/result/5",
                         "/items/\(job.id)/result/-1", "/items/\(job.id)/result/..%2F..%2F..%2Fguichet.sqlite", "/items/%2Fetc%2Fpasswd/source"] {
                let p = try await b.get(path)
                #expect(p.status == .notFound, "\(path)")
                #expect(!p.body.contains("SQLite format"), "\(path)")
            }
            let source = try await b.get("/items/\(job.id)/source")
            #expect(source.status == .ok)
            #expect(source.body == "Bonjour le monde.")
            #expect(source.headers[.contentDisposition]?.contains("note.md") == true)
        }
    }

    @Test("Document text and names are escaped: a <script> shows as text")
    func htmlEscaping() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        let job = try await h.awaitingJob(name: "<script>alert(1)</script>.md", source: "<script>alert('s')</script> & co",
                                          result: "<img src=x onerror=alert(2)> & co")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("marie")
            for page in [try await b.get("/queue"), try await b.get("/items/\(job.id)")] {
                #expect(page.status == .ok)
                #expect(!page.body.contains("<script>"))
                #expect(!page.body.contains("<img src=x"))
                #expect(page.body.contains("&lt;script&gt;"))
            }
            let item = try await b.get("/items/\(job.id)")
            #expect(item.body.contains("&lt;img src=x onerror=alert(2)&gt; &amp; co"))
            #expect(item.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        }
    }

    @Test("Sign-in attempts are rate-limited, even with the right password afterwards")
    func loginRateLimit() async throws {
        let h = try WebHarness { $0.web.maxLoginAttempts = 3 }
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            for _ in 0..<3 { #expect(try await b.signIn("marie", password: "not the password").status == .unauthorized) }
            let blocked = try await b.signIn("marie")
            #expect(blocked.status == .tooManyRequests)
            #expect(b.cookies["guichet_session"] == nil)
        }
    }

    @Test("After sign-in, only a path of this site is followed")
    func openRedirectRefused() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.get("/login")
            let p = try await b.post("/login", ["name": "marie", "password": WebHarness.password, "next": "//evil.example/x"])
            #expect(p.location == "/queue")
        }
    }

    @Test("Accounts: approvers need known pipelines, passwords a minimum length")
    func accountRules() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        let known = h.configuration.pipelines.map(\.name)
        await #expect(throws: GuichetError.self) { try await h.accounts.add(name: "a", role: .approver, pipelines: [], password: WebHarness.password, knownPipelines: known) }
        await #expect(throws: GuichetError.self) { try await h.accounts.add(name: "a", role: .approver, pipelines: ["nope"], password: WebHarness.password, knownPipelines: known) }
        await #expect(throws: GuichetError.self) { try await h.accounts.add(name: "a", role: .approver, pipelines: ["swot"], password: "short", knownPipelines: known) }
        await #expect(throws: GuichetError.self) { try await h.accounts.add(name: "a b/../c", role: .admin, pipelines: [], password: WebHarness.password, knownPipelines: known) }
        let a = try await h.accounts.add(name: "lea", role: .approver, pipelines: ["swot"], password: WebHarness.password, knownPipelines: known)
        #expect(!a.passwordHash.contains(WebHarness.password))
        #expect(a.passwordHash.hasPrefix("$2"))
        await #expect(throws: GuichetError.self) { try await h.accounts.add(name: "lea", role: .admin, pipelines: [], password: WebHarness.password, knownPipelines: known) }
        #expect(try await h.accounts.authenticate(name: "lea", password: WebHarness.password)?.name == "lea")
        try await h.accounts.setPassword(name: "lea", password: "another long password")
        #expect(try await h.accounts.authenticate(name: "lea", password: WebHarness.password) == nil)
        #expect(try await h.accounts.authenticate(name: "lea", password: "another long password") != nil)
        #expect(try await h.accounts.authenticate(name: "nobody", password: WebHarness.password) == nil)
    }
}
