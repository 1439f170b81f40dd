import Foundation
import GuichetWebDriver
import Testing

/// Headless Chromium against `LoginSite`. Serialized: two browsers at once on two cores would
/// only make each slower. Limits are loose because Chromium can take seconds to start here.
@Suite(.serialized, .enabled(if: BrowserGate.shouldRun, BrowserGate.skipReason))
struct BrowserTests {
    static let pngSignature = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

    @Test(.timeLimit(.minutes(3)))
    func loginWithAccentedNameSetsCookieAndGreets() async throws {
        try BrowserGate.requireBrowser()
        let site = try LoginSite.start()
        defer { site.stop() }
        let artifacts = try BrowserGate.artifactsDirectory()

        let profile = try await ChromeDriver.withSession(logFile: try BrowserGate.driverLog("login")) { browser in
            // Without the cookie the greeting is refused.
            try await browser.navigate(to: site.url("/bonjour"))
            #expect(try await browser.findElements(css: "#greeting").isEmpty)
            _ = try await browser.findElement(css: "#anonymous")

            try await browser.navigate(to: site.url("/login"))
            #expect(try await browser.title() == "Connexion")
            let field = try await browser.findElement(css: "input#name")
            #expect(try await browser.attribute("name", of: field) == "name")
            #expect(try await browser.attribute("data-absent", of: field) == nil)
            // Typed, cleared, typed again: the form must carry only the second name.
            try await browser.sendKeys("quelqu'un", to: field)
            try await browser.clear(field)
            try await browser.sendKeys("Éloïse", to: field)
            try await browser.click(browser.findElement(css: "#submit"))

            try await browser.wait(for: "the redirect to /bonjour") {
                try await browser.currentURL().path == "/bonjour"
            }
            let url = try await browser.currentURL()
            #expect(url.absoluteString == site.url("/bonjour").absoluteString)
            #expect(try await browser.title() == "Bonjour")
            #expect(try await browser.text(of: browser.findElement(css: "#greeting")) == "Bonjour Éloïse")
            #expect(try await browser.pageSource().contains("Bonjour Éloïse"))

            let cookie = try #require(try await browser.cookies().first { $0.name == LoginSite.cookieName })
            #expect(cookie.value.removingPercentEncoding == "Éloïse")
            #expect(cookie.httpOnly)
            #expect(cookie.path == "/")

            let png = try await browser.screenshot()
            #expect(png.starts(with: Self.pngSignature), "screenshot is not a PNG: \(png.prefix(8).map { $0 })")
            #expect(png.count > 1000)
            try png.write(to: artifacts.appendingPathComponent("login-bonjour.png"))
            return browser.userDataDirectory
        }

        // What the browser sent: UTF-8, percent-encoded, and only the second name.
        let post = try #require(site.requests.first { $0.method == "POST" && $0.path == "/login" })
        #expect(String(decoding: post.body, as: UTF8.self) == "name=%C3%89lo%C3%AFse")
        #expect(post.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true)
        let greeted = site.requests.filter { $0.path == "/bonjour" }
        #expect(greeted.count == 2)
        #expect(greeted.last?.headers["cookie"]?.contains("\(LoginSite.cookieName)=%C3%89lo%C3%AFse") == true)

        // withSession has quit the browser, stopped the driver and removed the profile.
        #expect(ProcessTable.pids(commandLineContaining: profile.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: profile.path))
    }

    @Test(.timeLimit(.minutes(3)))
    func missingElementIsNoSuchElement() async throws {
        try BrowserGate.requireBrowser()
        let site = try LoginSite.start()
        defer { site.stop() }

        try await ChromeDriver.withSession(logFile: try BrowserGate.driverLog("missing-element")) { browser in
            try await browser.navigate(to: site.url("/login"))
            let error = await #expect(throws: WebDriverError.self) {
                _ = try await browser.findElement(css: "#does-not-exist")
            }
            #expect(error?.code == .noSuchElement)
            #expect(error?.httpStatus == 404)
            #expect(error?.message.contains("#does-not-exist") == true, "\(String(describing: error))")
            #expect(error?.explanation.isEmpty == false)
            #expect(error?.message.contains("Session info") == false)

            // The plural form finds nothing without an error.
            #expect(try await browser.findElements(css: "#does-not-exist").isEmpty)

            // A wait on something that never appears ends with its own code, naming the wait.
            let timeout = await #expect(throws: WebDriverError.self) {
                try await browser.wait(for: "a ghost", timeout: .milliseconds(600)) {
                    _ = try await browser.findElement(css: "#ghost")
                    return true
                }
            }
            #expect(timeout?.code == .waitTimedOut)
            #expect(timeout?.message.contains("a ghost") == true)

            let invalid = await #expect(throws: WebDriverError.self) {
                _ = try await browser.findElement(css: "[[[")
            }
            #expect(invalid?.code == .invalidSelector)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func browserThatCannotStartIsSessionNotCreated() async throws {
        try BrowserGate.requireBrowser()
        let driver = try await ChromeDriver.start(logFile: try BrowserGate.driverLog("not-created"))
        let error = await #expect(throws: WebDriverError.self) {
            _ = try await driver.newSession(options: ChromeOptions(arguments: ["--headless=new"], binary: URL(fileURLWithPath: "/bin/false")))
        }
        await driver.stop()
        #expect(error?.code == .sessionNotCreated)
        #expect(error?.message.contains(driver.logFile.path) == true, "the error points at the log: \(String(describing: error))")
    }
}
