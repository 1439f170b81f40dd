import Foundation
import GuichetNotify
import Logging
import NotifyTestSupport
import ServiceLifecycle
import Testing

@Suite("NotificationService end to end: fake source, real SMTP sink and webhook receiver")
struct NotificationServiceTests {
    /// Runs `service` in a ServiceGroup until `body` returns, then shuts it down gracefully and
    /// returns how long the shutdown took.
    @discardableResult
    func running(_ service: NotificationService, logs: LogCapture, _ body: () async throws -> Void) async throws -> Duration {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logs.logger("group")))
        let task = Task { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw error
        }
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await task.value
        return ContinuousClock.now - started
    }

    func settings(sink: SMTPSink, receiver: WebhookReceiver, interval: Double) -> NotificationSettings {
        NotificationSettings(
            email: EmailSettings(url: sink.url, from: "guichet@example.org", to: ["alice@example.org"], connectTimeout: 5, timeout: 15),
            webhook: WebhookSettings(url: receiver.url, secret: "hook-secret", timeout: 10),
            interval: interval, pageURL: "https://guichet.example.org/review", pollInterval: 0.05)
    }

    @Test("both channels: one digest at once, none within the interval, the next after it; prompt shutdown")
    func bothChannels() async throws {
        let sink = try SMTPSink()
        let receiver = try WebhookReceiver()
        defer { sink.stop(); receiver.stop() }
        let source = FakeSource()
        source.set((1...5).map { item("i\($0)") })
        let logs = LogCapture()
        let service = NotificationService(settings: settings(sink: sink, receiver: receiver, interval: 2), source: source, logger: logs.logger())

        let shutdown = try await running(service, logs: logs) {
            #expect(await eventually { sink.mails.count == 1 && receiver.requests.count == 1 })
            let first = try ParsedMail(try #require(sink.mails.first).data)
            #expect(first.subject == "[Guichet] 5 documents attendent votre validation")

            // New items right after: polls go on, nothing goes out before the interval.
            source.add([item("i6"), item("i7")])
            let polls = source.calls
            #expect(await eventually { source.calls >= polls + 5 })
            #expect(sink.mails.count == 1)
            #expect(receiver.requests.count == 1)

            // After the interval: one more digest per channel, with the new ones counted.
            #expect(await eventually(timeout: 15) { sink.mails.count == 2 && receiver.requests.count == 2 })
            let second = try ParsedMail(sink.mails[1].data)
            #expect(second.body.contains("7 documents attendent votre validation (dont 2 nouveaux)."))
            let json = try JSONDecoder().decode(WebhookPayload.self, from: Data(receiver.requests[1].body))
            #expect(json.count == 7)
            #expect(json.newCount == 2)

            // Only announced items: quiet, even after another interval.
            try await Task.sleep(for: .seconds(2.5))
            #expect(sink.mails.count == 2)
            #expect(receiver.requests.count == 2)
        }
        #expect(shutdown < .seconds(5))
        #expect(logs.count(.info, containing: "digest sent") == 4)
        #expect(!logs.all.contains { $0.flattened.contains("hook-secret") })
    }

    @Test("a second run with the same memory file announces only what is new")
    func memoryAcrossRuns() async throws {
        let sink = try SMTPSink()
        let receiver = try WebhookReceiver()
        defer { sink.stop(); receiver.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-notify-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let source = FakeSource()
        source.set((1...3).map { item("i\($0)") })
        let logs = LogCapture()
        func service() -> NotificationService {
            NotificationService(settings: settings(sink: sink, receiver: receiver, interval: 0.2), source: source, logger: logs.logger(),
                                memory: FileAnnouncementStore(url: file))
        }
        try await running(service(), logs: logs) {
            #expect(await eventually { sink.mails.count == 1 && receiver.requests.count == 1 })
        }
        // Restarted (or reloaded): the same three still wait, and nobody hears of them again.
        try await running(service(), logs: logs) {
            let polls = source.calls
            #expect(await eventually { source.calls >= polls + 10 })
            #expect(sink.mails.count == 1 && receiver.requests.count == 1)
            source.add([item("i4")])
            #expect(await eventually { sink.mails.count == 2 && receiver.requests.count == 2 })
        }
        let json = try JSONDecoder().decode(WebhookPayload.self, from: Data(receiver.requests[1].body))
        #expect(json.count == 4 && json.newCount == 1)
        // New recipients for the e-mail: they hear of everything that waits; the webhook,
        // unchanged, stays quiet.
        var changed = settings(sink: sink, receiver: receiver, interval: 0.2)
        changed.email?.to = ["bob@example.org"]
        try await running(NotificationService(settings: changed, source: source, logger: logs.logger(), memory: FileAnnouncementStore(url: file)), logs: logs) {
            #expect(await eventually { sink.mails.count == 3 })
            let polls = source.calls
            #expect(await eventually { source.calls >= polls + 5 })
        }
        #expect(receiver.requests.count == 2)
        #expect(try ParsedMail(sink.mails[2].data).body.contains("4 documents attendent votre validation"))
    }

    @Test("a channel failing then recovering: retried at each poll, logged once, sent once back")
    func failingThenRecovering() async throws {
        let sink = try SMTPSink()
        let receiver = try WebhookReceiver(status: 503)
        defer { sink.stop(); receiver.stop() }
        sink.configure { $0.refuseAllRecipients = true; $0.recipientRefusal = "451 4.3.0 Try again later" }
        let source = FakeSource()
        source.set([item("a", "translate"), item("b", "summarize")])
        let logs = LogCapture()
        var settings = settings(sink: sink, receiver: receiver, interval: 3600)
        settings.email?.password = "smtp-password-xyz"
        settings.email?.username = "guichet"
        sink.configure { $0.authMechanisms = ["PLAIN"] }
        let service = NotificationService(settings: settings, source: source, logger: logs.logger())

        try await running(service, logs: logs) {
            // Several failed attempts on both channels.
            #expect(await eventually { sink.connections >= 3 && receiver.requests.count >= 3 })
            #expect(sink.mails.isEmpty)
            #expect(logs.count(.error, containing: "not delivered") == 2, "once per channel, not once per poll")

            sink.configure { $0.refuseAllRecipients = false }
            receiver.setStatus(200)
            #expect(await eventually { sink.mails.count == 1 })
            #expect(await eventually { logs.count(.notice, containing: "works again") == 2 })
            let attempts = receiver.requests.count
            // Recovered: the interval (an hour) now applies, nothing more is sent.
            let polls = source.calls
            #expect(await eventually { source.calls >= polls + 5 })
            #expect(sink.mails.count == 1)
            #expect(receiver.requests.count == attempts)
            let mail = try ParsedMail(sink.mails[0].data)
            #expect(mail.body.contains("2 documents attendent votre validation."))
        }
        let failure = try #require(logs.all.first { $0.level == .error && $0.metadata["guichet.notify.channel"] == "email" })
        #expect(failure.metadata["guichet.notify.error"] == "recipient_refused")
        #expect(failure.metadata["guichet.notify.status"] == "451")
        #expect(failure.metadata["guichet.notify.remedy"]?.isEmpty == false)
        #expect(!logs.all.contains { $0.flattened.contains("smtp-password-xyz") }, "never log passwords")
    }

    @Test("a source that fails is logged once and read again at the next poll")
    func sourceFailure() async throws {
        let channel = RecordingChannel()
        let source = FakeSource()
        source.setFailing(true)
        source.set([item("a")])
        let logs = LogCapture()
        let service = NotificationService(
            settings: NotificationSettings(interval: 0, pollInterval: 0.05), source: source, logger: logs.logger(), channels: [channel])
        try await running(service, logs: logs) {
            #expect(await eventually { source.calls >= 4 })
            #expect(channel.digests.isEmpty)
            source.setFailing(false)
            #expect(await eventually { channel.digests.count == 1 })
        }
        #expect(logs.count(.warning, containing: "cannot read the pending items") == 1)
        #expect(logs.count(.notice, containing: "readable again") == 1)
    }

    @Test("graceful shutdown aborts a send stuck on a silent server")
    func shutdownDuringSend() async throws {
        var options = SMTPSink.Options()
        options.greets = false
        let sink = try SMTPSink(options: options)
        defer { sink.stop() }
        let source = FakeSource()
        source.set([item("a")])
        let logs = LogCapture()
        let settings = NotificationSettings(
            email: EmailSettings(url: sink.url, from: "g@example.org", to: ["a@example.org"], connectTimeout: 60, timeout: 120),
            pollInterval: 0.05)
        let service = NotificationService(settings: settings, source: source, logger: logs.logger())
        let shutdown = try await running(service, logs: logs) {
            #expect(await eventually { sink.connections == 1 })
        }
        #expect(shutdown < .seconds(5))
        #expect(logs.count(.error, containing: "not delivered") == 0, "an interrupted send is not a failure")
    }

    @Test("no channel configured: the service idles until shutdown")
    func noChannels() async throws {
        let source = FakeSource()
        source.set([item("a")])
        let logs = LogCapture()
        let service = NotificationService(settings: NotificationSettings(), source: source, logger: logs.logger())
        #expect(service.channels.isEmpty)
        let shutdown = try await running(service, logs: logs) {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(source.calls == 0)
        #expect(shutdown < .seconds(5))
    }

    @Test("settings: both channels off by default; validation names the key")
    func settingsDefaults() throws {
        let settings = NotificationSettings()
        #expect(settings.email == nil && settings.webhook == nil)
        #expect(!settings.isEnabled)
        #expect(settings.interval == 900 && settings.pollInterval == 30)
        try settings.validate()
        var bad = settings
        bad.pageURL = "javascript:alert(1)"
        #expect(throws: NotifyError.self) { try bad.validate() }
        let email = EmailSettings(url: "smtps://user:pw@mail.example.org:465", password: "pw", from: "g@example.org", to: ["a@example.org"])
        #expect(!email.description.contains("pw@"))
        #expect(!email.description.contains("password: pw"))
        let channels = NotificationService.channels(for: NotificationSettings(email: email, webhook: WebhookSettings(url: "https://h.example.org/x")))
        #expect(channels.map(\.name) == ["email", "webhook"])
    }
}
