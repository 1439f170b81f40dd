import Foundation
import GuichetNotify
import NotifyTestSupport
import Testing

@Suite("WebhookNotifier against an in-process receiver")
struct WebhookNotifierTests {
    let now = Date()

    func digest() -> Digest {
        Digest(pending: [
            item("j1", "translate", name: "a.docx", minutesAgo: 90, now: now),
            item("j2", "translate", name: "b \"quoted\".md", minutesAgo: 10, now: now),
            item("j3", "summarize", name: "c.pdf", minutesAgo: 1, now: now),
        ], announced: ["j3"], now: now, pageURL: "https://guichet.example.org/review")
    }

    @Test("POSTs JSON that decodes to the counts, with the bearer secret")
    func payload() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let notifier = WebhookNotifier(settings: WebhookSettings(url: receiver.url, secret: "tok-123", timeout: 10))
        try await notifier.deliver(digest())

        let request = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/guichet")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Authorization") == "Bearer tok-123")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["event"] as? String == "review.pending")
        #expect(json["count"] as? Int == 3)
        #expect(json["new_count"] as? Int == 2)
        #expect(json["pipelines"] as? [String: Int] == ["translate": 2, "summarize": 1])
        #expect(json["oldest_waiting_seconds"] as? Int == 5400)
        #expect(json["url"] as? String == "https://guichet.example.org/review")
        let items = try #require(json["items"] as? [[String: String]])
        #expect(items.map { $0["id"] } == ["j1", "j2", "j3"])
        #expect(items.map { $0["name"] } == ["a.docx", "b \"quoted\".md", "c.pdf"])
        #expect(items.map { $0["pipeline"] } == ["translate", "translate", "summarize"])
        let since = try #require(items.first?["waiting_since"])
        let parsed = try #require(ISO8601DateFormatter().date(from: since))
        #expect(abs(parsed.timeIntervalSince(now.addingTimeInterval(-5400))) < 1)

        // The public type reads the same body back.
        let decoded = try JSONDecoder().decode(WebhookPayload.self, from: Data(request.body))
        #expect(decoded == WebhookPayload(digest()))
    }

    @Test("no secret: no Authorization header; no page: url is null")
    func noSecret() async throws {
        let receiver = try WebhookReceiver(status: 200)
        defer { receiver.stop() }
        let digest = Digest(pending: [item("x", now: now)], announced: [], now: now)
        try await WebhookNotifier(settings: WebhookSettings(url: receiver.url)).deliver(digest)
        let request = try #require(receiver.requests.first)
        #expect(request.header("Authorization") == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(json["url"] is NSNull)
    }

    @Test("HTTP 500 is a transient error that shows neither the secret nor the URL's path")
    func serverError() async throws {
        let receiver = try WebhookReceiver(status: 500)
        defer { receiver.stop() }
        let notifier = WebhookNotifier(settings: WebhookSettings(url: receiver.url, secret: "tok-secret"))
        let error = try await #require(throws: NotifyError.self) { try await notifier.deliver(digest()) }
        #expect(error.code == .httpStatus)
        #expect(error.serverStatus == 500)
        #expect(error.isTransient)
        #expect(error.underlying?.contains("receiver says 500") == true)
        #expect(!error.description.contains("tok-secret"))
        #expect(!error.description.contains("/hooks/guichet"))
        #expect(!"\(notifier.settings)".contains("tok-secret"))
        #expect(receiver.requests.count == 1)
    }

    @Test("HTTP 404 and 401 are errors that need a settings change", arguments: [404, 401, 302])
    func clientErrors(status: Int) async throws {
        let receiver = try WebhookReceiver(status: status)
        defer { receiver.stop() }
        let error = try await #require(throws: NotifyError.self) {
            try await WebhookNotifier(settings: WebhookSettings(url: receiver.url)).deliver(digest())
        }
        #expect(error.serverStatus == status)
        #expect(!error.isTransient)
        #expect(error.remedy.contains("notifications.webhook"))
    }

    @Test("nothing listening: connection error")
    func connectionRefused() async throws {
        let notifier = WebhookNotifier(settings: WebhookSettings(url: "http://127.0.0.1:\(closedPort())/x"))
        let error = try await #require(throws: NotifyError.self) { try await notifier.deliver(digest()) }
        #expect(error.code == .connectionFailed)
    }

    @Test("a secret or URL that could inject a header is refused before any request")
    func injection() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        for settings in [
            WebhookSettings(url: receiver.url, secret: "tok\r\nX-Admin: yes"),
            WebhookSettings(url: receiver.url + "\r\nX-Admin: yes"),
            WebhookSettings(url: "ftp://127.0.0.1/x"),
        ] {
            let error = try await #require(throws: NotifyError.self) { try await WebhookNotifier(settings: settings).deliver(digest()) }
            #expect(error.code == .invalidSettings)
        }
        #expect(receiver.requests.isEmpty)
    }
}
