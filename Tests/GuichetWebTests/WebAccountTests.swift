import Foundation
import GuichetCore
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GuichetWeb

@Suite("Web page: my account")
struct WebAccountTests {
    static let newPassword = "un autre mot de passe, plus long"

    @Test("An approver changes their password: other sessions end, this one goes on, the old password no longer opens")
    func changePassword() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("marie")
        try await h.application().test(.router) { client in
            let here = Browser(client), elsewhere = Browser(client)
            try await here.signIn("marie")
            try await elsewhere.signIn("marie")
            let page = try await here.get("/account")
            #expect(page.status == .ok)
            #expect(page.body.contains("<strong>marie</strong> (valideur) — Traitement : translate"))
            #expect(page.body.contains("<a href=\"/account\">Mon compte</a>"))
            let done = try await here.post("/account/password", ["current": WebHarness.password, "new": Self.newPassword, "confirm": Self.newPassword])
            #expect(done.status == .seeOther && done.location == "/queue?done=password")
            let queue = try await here.get("/queue?done=password")
            #expect(queue.status == .ok && queue.body.contains("Mot de passe changé. Vos autres sessions sont fermées."))
            // The other browser's session is over.
            let other = try await elsewhere.get("/queue")
            #expect(other.status == .seeOther && other.location?.hasPrefix("/login") == true)
            // The old password no longer signs in; the new one does.
            #expect(try await Browser(client).signIn("marie").status == .unauthorized)
            #expect(try await Browser(client).signIn("marie", password: Self.newPassword).status == .seeOther)
        }
    }

    @Test("A password change needs the current password, two equal new ones of 10 characters or more, and a CSRF token")
    func refusals() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("paul")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("paul")
            try await b.get("/account")
            let wrong = try await b.post("/account/password", ["current": "pas le bon mot de passe", "new": Self.newPassword, "confirm": Self.newPassword])
            #expect(wrong.status == .forbidden && wrong.body.contains("Le mot de passe actuel est incorrect."))
            let differ = try await b.post("/account/password", ["current": WebHarness.password, "new": Self.newPassword, "confirm": Self.newPassword + "!"])
            #expect(differ.status == .badRequest && differ.body.contains("diffèrent"))
            let short = try await b.post("/account/password", ["current": WebHarness.password, "new": "court", "confirm": "court"])
            #expect(short.status == .badRequest && short.body.contains("de 10 à 72 caractères"))
            let forged = try await b.post("/account/password", ["current": WebHarness.password, "new": Self.newPassword, "confirm": Self.newPassword], csrf: false)
            #expect(forged.status == .forbidden)
            // None of these changed anything: the first password still opens, this session goes on.
            #expect(try await b.get("/queue").status == .ok)
            #expect(try await Browser(client).signIn("paul").status == .seeOther)
            // Without a session the page is not shown.
            let anonymous = try await Browser(client).get("/account")
            #expect(anonymous.status == .seeOther && anonymous.location?.hasPrefix("/login") == true)
        }
    }

    @Test("Guessing the current password from an open session is limited like signing in")
    func guessingIsLimited() async throws {
        let h = try WebHarness()
        defer { h.cleanUp() }
        try await h.addAccount("lea")
        try await h.application().test(.router) { client in
            let b = Browser(client)
            try await b.signIn("lea")
            try await b.get("/account")
            var statuses: [HTTPResponse.Status] = []
            for n in 0..<12 {
                statuses.append(try await b.post("/account/password", ["current": "essai numéro \(n)", "new": Self.newPassword, "confirm": Self.newPassword]).status)
            }
            #expect(statuses.first == .forbidden)
            #expect(statuses.last == .tooManyRequests)
            // Even the right password is refused while the limit holds.
            let right = try await b.post("/account/password", ["current": WebHarness.password, "new": Self.newPassword, "confirm": Self.newPassword])
            #expect(right.status == .tooManyRequests)
        }
    }
}
