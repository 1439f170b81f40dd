import Foundation
import GuichetCore
import GuichetTestSupport
import GuichetWebDriver
import Testing

/// A real browser (headless Chromium) on the real daemon's web page: an approver signs in,
/// approves one item and rejects another with a reason.
@Suite(.serialized, .enabled(if: ChromeDriver.available() || ProcessInfo.processInfo.environment["GUICHET_REQUIRE_BROWSER"] == "1",
                             "chromium and chromium-driver are not installed; GUICHET_REQUIRE_BROWSER=1 makes this a failure"))
struct WebBrowserTests {
    static let password = "mot de passe assez long"

    func artifacts() throws -> URL {
        let dir = ProcessInfo.processInfo.environment["GUICHET_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? DaemonHarness.repoRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func approverSignsInApprovesOneItemAndRejectsAnother() async throws {
        try #require(ChromeDriver.available(), "chromedriver or chromium missing (apt-get install chromium chromium-driver)")
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        let add = try h.cli(["user", "add", "camille", "--role", "approver", "--pipelines", "translate", "--password-stdin"], stdin: Self.password + "\n")
        #expect(add.status == 0, "\(add.stderr)")
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        _ = try h.drop("Délibération n°12.md", Data("# Délibération\n\nLe conseil approuve le budget.\n".utf8), folder: "translate", sub: ["en"])
        _ = try h.drop("Note <interne>.md", Data("Une note à refuser.\n".utf8), folder: "translate", sub: ["en"])
        try await h.wait("two items awaiting review", timeout: 60) { try await h.jobs(.awaitingReview).count == 2 }
        let jobs = try await h.jobs(.awaitingReview)
        let approveMe = try #require(jobs.first { $0.sourceName.hasPrefix("Délibération") })
        let rejectMe = try #require(jobs.first { $0.sourceName.hasPrefix("Note") })
        try await h.wait("web page", timeout: 30) { (try? Data(contentsOf: URL(string: h.webURL + "/login")!)) != nil }

        let log = try artifacts().appendingPathComponent("chromedriver-web-approve.log")
        try await ChromeDriver.withSession(logFile: log) { browser in
            try await browser.navigate(to: URL(string: h.webURL + "/queue")!)
            #expect(try await browser.currentURL().path == "/login")
            try await browser.sendKeys("camille", to: try await browser.findElement(css: "input[name=name]"))
            try await browser.sendKeys(Self.password, to: try await browser.findElement(css: "input[name=password]"))
            try await browser.click(try await browser.findElement(css: "form button[type=submit]"))
            try await browser.wait(for: "the queue") { try await browser.currentURL().path == "/queue" }
            let queue = try await browser.pageSource()
            #expect(queue.contains("Délibération n°12.md"))
            #expect(queue.contains("Note &lt;interne&gt;.md"))
            let cookies = try await browser.cookies()
            #expect(cookies.first { $0.name == "guichet_session" }?.httpOnly == true)

            // Approve the first, from its page.
            try await browser.click(try await browser.findElement(css: "a[href='/items/\(approveMe.id)']"))
            try await browser.wait(for: "the item page") { try await browser.currentURL().path == "/items/\(approveMe.id)" }
            let item = try await browser.pageSource()
            // Passage by passage: each source paragraph faces its own result.
            #expect(item.contains("<td>Le conseil approuve le budget.</td><td>LE CONSEIL APPROUVE LE BUDGET.</td>"))
            try (try await browser.screenshot()).write(to: try artifacts().appendingPathComponent("web-item-page.png"))
            try await browser.sendKeys("Conforme", to: try await browser.findElement(css: "input[name=comment]"))
            try await browser.click(try await browser.findElement(css: "button.approve"))
            try await browser.wait(for: "back to the queue") { try await browser.currentURL().path == "/queue" }
            #expect(try await browser.pageSource().contains("approuvé"))

            // Reject the second, with a reason.
            try await browser.navigate(to: URL(string: h.webURL + "/items/\(rejectMe.id)")!)
            try await browser.sendKeys("Document interne, ne pas traduire", to: try await browser.findElement(css: "input[name=reason]"))
            try await browser.click(try await browser.findElement(css: "button.reject"))
            try await browser.wait(for: "back to the queue") { try await browser.currentURL().path == "/queue" }
        }
        let published = h.output.appendingPathComponent("translate/Délibération n°12.en.md")
        #expect(try String(contentsOf: published, encoding: .utf8).contains("LE CONSEIL APPROUVE LE BUDGET."))
        let store = try h.store()
        let approved = try #require(try await store.job(approveMe.id))
        #expect(approved.state == .approved && approved.decidedBy == "camille" && approved.decisionComment == "Conforme")
        let rejected = try #require(try await store.job(rejectMe.id))
        #expect(rejected.state == .rejected && rejected.decisionComment == "Document interne, ne pas traduire")
        #expect(!FileManager.default.fileExists(atPath: h.output.appendingPathComponent("translate/Note <interne>.en.md").path))
        #expect(h.stopDaemon() == 0)
    }

    @Test func healthAndMetricsAnswerWithoutASession() async throws {
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: DaemonHarness.fakeModelConfig(server))
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        _ = try h.drop("a.md", Data("Bonjour.\n".utf8), folder: "translate", sub: ["en"])
        try await h.wait("awaiting review", timeout: 60) { try await h.jobs(.awaitingReview).count == 1 }
        var health = ""
        try await h.wait("healthz ok", timeout: 30) {
            health = (try? String(contentsOf: URL(string: h.webURL + "/healthz")!, encoding: .utf8)) ?? ""
            return health.contains("\"status\":\"ok\"")
        }
        #expect(health.contains("\"model\":\"ok\"") && health.contains("\"watcher\":\"ok\"") && health.contains("\"store\":\"ok\""))
        let metrics = try String(contentsOf: URL(string: h.webURL + "/metrics")!, encoding: .utf8)
        #expect(metrics.contains("guichet_jobs{state=\"awaiting_review\"} 1"))
        #expect(metrics.contains("guichet_model_request_duration_seconds_bucket"))
        #expect(metrics.contains("guichet_model_tokens_total{direction=\"in\"}"))
        #expect(metrics.contains("guichet_job_runs_total{pipeline=\"translate\",outcome=\"awaiting_review\"} 1"))
        #expect(metrics.contains("guichet_chunk_duration_seconds"))
        #expect(!metrics.contains("Bonjour"), "no document text in metrics")
        // The model goes away: health says so.
        server.stop()
        try await h.wait("healthz failing", timeout: 30) {
            let s = (try? String(contentsOf: URL(string: h.webURL + "/healthz")!, encoding: .utf8)) ?? ""
            return s.isEmpty || s.contains("\"model\":\"failing\"")
        }
    }
}
