import Foundation
import GuichetNotify
import NotifyTestSupport
import Testing

@Suite("SMTPMailer against an in-process SMTP sink")
struct SMTPMailerTests {
    func settings(_ sink: SMTPSink, _ change: (inout EmailSettings) -> Void = { _ in }) -> EmailSettings {
        var settings = EmailSettings(
            url: sink.url, from: "guichet@example.org", to: ["alice@example.org", "bob@example.org"],
            connectTimeout: 5, timeout: 15)
        change(&settings)
        return settings
    }

    func digest() -> Digest {
        let now = Date()
        return Digest(pending: [
            item("j1", "translate", name: "Contrat été 2026.docx", minutesAgo: 42, now: now),
            item("j2", "translate", name: "notes.md", minutesAgo: 10, now: now),
            item("j3", "summarize", name: "rapport.pdf", minutesAgo: 3, now: now),
        ], announced: [], now: now, pageURL: "https://guichet.example.org/review")
    }

    @Test("a digest goes through: envelope, headers, decoded UTF-8 subject, body with counts and names")
    func digestMail() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await SMTPMailer(settings: settings(sink)).deliver(digest())

        let received = try #require(sink.mails.first)
        #expect(sink.mails.count == 1)
        #expect(received.mailFrom == "guichet@example.org")
        #expect(received.recipients == ["alice@example.org", "bob@example.org"])
        #expect(received.authUser == nil)
        let mail = try ParsedMail(received.data)
        #expect(mail.header("From") == "\"Guichet\" <guichet@example.org>")
        #expect(mail.header("To") == "alice@example.org, bob@example.org")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Date")?.hasSuffix("+0000") == true)
        #expect(mail.header("Message-ID")?.hasSuffix("@example.org>") == true)
        #expect(mail.subject == "[Guichet] 3 documents attendent votre validation")
        #expect(mail.body.contains("3 documents attendent votre validation."))
        #expect(mail.body.contains("  - translate : 2"))
        #expect(mail.body.contains("  - summarize : 1"))
        #expect(mail.body.contains("Contrat été 2026.docx (translate, depuis 42 min)"))
        #expect(mail.body.contains("rapport.pdf"))
        #expect(mail.body.contains("https://guichet.example.org/review"))
        #expect(sink.commands.last == "QUIT")
    }

    @Test("AUTH credentials reach the server", arguments: ["PLAIN", "LOGIN"])
    func authentication(mechanism: String) async throws {
        var options = SMTPSink.Options()
        options.authMechanisms = [mechanism]
        options.user = "guichet"
        options.password = "s3cret pass"
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) { $0.username = "guichet"; $0.password = "s3cret pass" })
        try await mailer.send(MailMessage(from: "guichet@example.org", to: ["alice@example.org"], subject: "s", body: "b"))
        let received = try #require(sink.mails.first)
        #expect(received.authMechanism == mechanism)
        #expect(received.authUser == "guichet")
        #expect(received.authPassword == "s3cret pass")
    }

    @Test("a wrong password is an authentication error that does not show the password")
    func wrongPassword() async throws {
        var options = SMTPSink.Options()
        options.authMechanisms = ["PLAIN"]
        options.user = "guichet"
        options.password = "right"
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) { $0.username = "guichet"; $0.password = "wrong-Pa55" })
        let error = try await #require(throws: NotifyError.self) {
            try await mailer.send(MailMessage(from: "guichet@example.org", to: ["alice@example.org"], subject: "s", body: "b"))
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.remedy.contains("notifications.email.username"))
        #expect(!error.description.contains("wrong-Pa55"))
        #expect(!"\(mailer.settings)".contains("wrong-Pa55"))
        #expect(sink.mails.isEmpty)
    }

    @Test("a refused recipient is a clear error with the server's code")
    func refusedRecipient() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        sink.configure { $0.refusedRecipients = ["bob@example.org"] }
        let error = try await #require(throws: NotifyError.self) {
            try await SMTPMailer(settings: settings(sink)).deliver(digest())
        }
        #expect(error.code == .recipientRefused)
        #expect(error.serverStatus == 550)
        #expect(!error.isTransient)
        #expect(error.remedy.contains("notifications.email.to"))
        #expect(sink.mails.isEmpty, "all or nothing: no mail to alice alone")
    }

    @Test("header injection is refused before any connection", arguments: [
        ("subject", "Bonjour\r\nBcc: everyone@example.org"),
        ("to", "alice@example.org\r\nRCPT TO:<eve@example.org>"),
        ("from", "guichet@example.org\nBcc: eve@example.org"),
    ])
    func injectionNeverConnects(field: String, value: String) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink))
        var message = MailMessage(from: "guichet@example.org", to: ["alice@example.org"], subject: "s", body: "b")
        switch field {
        case "subject": message.subject = value
        case "to": message.to = [value]
        default: message.from = value
        }
        let error = try await #require(throws: NotifyError.self) { try await mailer.send(message) }
        #expect(error.code == .invalidMessage)
        #expect(sink.connections == 0)
    }

    @Test("an address with a line break in the settings is refused too")
    func injectionInSettings() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) { $0.to = ["alice@example.org\r\nDATA"] })
        let error = try await #require(throws: NotifyError.self) { try await mailer.deliver(digest()) }
        #expect(error.code == .invalidMessage)
        #expect(sink.connections == 0)
    }

    @Test("required STARTTLS that the server lacks: refused, and the password never sent in clear")
    func startTLSRequired() async throws {
        var options = SMTPSink.Options()
        options.authMechanisms = ["PLAIN", "LOGIN"]
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) {
            $0.starttls = true
            $0.username = "guichet"
            $0.password = "never-in-clear"
        })
        let error = try await #require(throws: NotifyError.self) { try await mailer.deliver(digest()) }
        #expect(error.code == .tlsFailed)
        #expect(sink.mails.isEmpty)
        #expect(!sink.commands.contains { $0.uppercased().hasPrefix("AUTH") })
    }

    @Test("nothing listening: connection error naming the setting")
    func connectionRefused() async throws {
        let settings = EmailSettings(url: "smtp://127.0.0.1:\(closedPort())", from: "g@example.org", to: ["a@example.org"], connectTimeout: 5, timeout: 10)
        let error = try await #require(throws: NotifyError.self) { try await SMTPMailer(settings: settings).deliver(digest()) }
        #expect(error.code == .connectionFailed)
        #expect(error.isTransient)
        #expect(error.remedy.contains("notifications.email.url"))
    }

    @Test("a server that never answers: timed out after about the timeout")
    func timeout() async throws {
        var options = SMTPSink.Options()
        options.greets = false
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) { $0.timeout = 1 })
        let started = ContinuousClock.now
        let error = try await #require(throws: NotifyError.self) { try await mailer.deliver(digest()) }
        #expect(error.code == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("cancelling the caller aborts a send in progress")
    func cancellation() async throws {
        var options = SMTPSink.Options()
        options.greets = false
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let mailer = SMTPMailer(settings: settings(sink) { $0.timeout = 60 })
        let message = digest()
        let task = Task { try await mailer.deliver(message) }
        #expect(await eventually { sink.connections == 1 })
        let started = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(throws: NotifyError.self) { try result.get() }
        if case .failure(let error as NotifyError) = result { #expect(error.code == .cancelled) }
    }

    @Test("blocking transfers stay off the cooperative pool: other tasks run while sends hang")
    func offThePool() async throws {
        var options = SMTPSink.Options()
        options.greets = false
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        // More hung sends than the machine has cores: on the cooperative pool they would take
        // every thread, and nothing else in the process could run until they time out.
        let mailers = (0..<4).map { _ in SMTPMailer(settings: settings(sink) { $0.timeout = 4 }) }
        let message = digest()
        let sends = mailers.map { mailer in Task { try? await mailer.deliver(message) } }
        #expect(await eventually { sink.connections == 4 })
        let started = ContinuousClock.now
        let probe = Task.detached { try? await Task.sleep(for: .milliseconds(10)); return ContinuousClock.now }
        let probed = await probe.value
        #expect(probed - started < .seconds(2), "a 10 ms task waited behind the hung sends")
        for send in sends { send.cancel() }
        for send in sends { await send.value }
    }

    @Test("settings that cannot work are refused with the key to fix")
    func invalidSettings() async throws {
        let bad = EmailSettings(url: "http://mail.example.org", from: "g@example.org", to: ["a@example.org"])
        let error = try await #require(throws: NotifyError.self) { try await SMTPMailer(settings: bad).deliver(digest()) }
        #expect(error.code == .invalidSettings)
        #expect(error.message.contains("notifications.email.url"))
        #expect(throws: NotifyError.self) { try EmailSettings(url: "smtp://h", from: "g@example.org", to: []).validate() }
    }
}
