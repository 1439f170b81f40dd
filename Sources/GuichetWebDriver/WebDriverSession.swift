import Foundation
import Synchronization

/// One browser (a headless Chromium window) driven through W3C WebDriver commands.
///
/// Each command is one HTTP request to chromedriver; failures throw `WebDriverError` with the
/// driver's code (`no such element`, `stale element reference`, …). End it with `delete()`,
/// which quits the browser and removes its temporary profile; `ChromeDriver.stop()` does both
/// for any session left open.
public final class WebDriverSession: Sendable {
    /// The WebDriver session id.
    public let id: String
    /// The browser's version, as the new session's capabilities report it.
    public let browserVersion: String?
    /// The temporary Chromium profile (`--user-data-dir`), removed by `delete()`.
    public let userDataDirectory: URL
    /// The driver this session runs in; held so it outlives the session.
    public let driver: ChromeDriver

    private let transport: WebDriverTransport
    private let deleted = Mutex(false)

    /// Starts a browser with `options` plus a new temporary `--user-data-dir`.
    ///
    /// A fresh profile per session keeps cookies and caches from leaking between tests, and lets
    /// two sessions run at once (Chromium locks its profile).
    /// - Throws: `WebDriverError` `.sessionNotCreated` when Chromium does not start.
    public init(driver: ChromeDriver, options: ChromeOptions = .headless()) async throws {
        let profile = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-webdriver/profile-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        driver.adopt(userDataDirectory: profile)
        // Starting Chromium on two busy cores can take well over ten seconds.
        let body = options.capabilities(binary: driver.browser, userDataDirectory: profile)
        let value: JSONValue
        do {
            value = try await driver.transport.post("session", body, timeout: 120)
        } catch var error as WebDriverError where error.code == .sessionNotCreated {
            error.message += " (chromedriver log: \(driver.logFile.path))"
            throw error
        }
        guard let id = value["sessionId"]?.stringValue else {
            throw WebDriverError(.invalidResponse, "no sessionId in \(value)", command: "POST /session")
        }
        self.id = id
        self.browserVersion = value["capabilities"]?["browserVersion"]?.stringValue
        self.userDataDirectory = profile
        self.driver = driver
        self.transport = driver.transport
    }

    private var prefix: String { "session/\(id)" }

    // MARK: - Navigation

    /// Loads `url` and waits for its `load` event (page load strategy `normal`).
    public func navigate(to url: URL) async throws {
        _ = try await transport.post("\(prefix)/url", ["url": .string(url.absoluteString)])
    }

    /// The URL of the current page, after any redirects.
    public func currentURL() async throws -> URL {
        let value = try await transport.get("\(prefix)/url")
        guard let text = value.stringValue, let url = URL(string: text) else {
            throw WebDriverError(.invalidResponse, "not a URL: \(value)", command: "GET /url")
        }
        return url
    }

    /// The current page's `<title>`.
    public func title() async throws -> String {
        try await string(transport.get("\(prefix)/title"), "GET /title")
    }

    /// The current page's DOM, serialized (not the bytes the server sent).
    public func pageSource() async throws -> String {
        try await string(transport.get("\(prefix)/source"), "GET /source")
    }

    // MARK: - Elements

    /// The first element matching a CSS selector.
    /// - Throws: `WebDriverError` `.noSuchElement` when none matches (no implicit wait: use `wait`).
    public func findElement(css selector: String) async throws -> ElementID {
        let value = try await transport.post("\(prefix)/element", ["using": "css selector", "value": .string(selector)])
        guard let element = ElementID(value) else {
            throw WebDriverError(.invalidResponse, "not an element reference: \(value)", command: "POST /element")
        }
        return element
    }

    /// Every element matching a CSS selector, in document order; empty when none does.
    public func findElements(css selector: String) async throws -> [ElementID] {
        let value = try await transport.post("\(prefix)/elements", ["using": "css selector", "value": .string(selector)])
        return (value.arrayValue ?? []).compactMap(ElementID.init)
    }

    /// Clicks the element's centre, scrolling it into view first; waits for a navigation it starts.
    public func click(_ element: ElementID) async throws {
        _ = try await transport.post("\(prefix)/element/\(element)/click")
    }

    /// Types `text` into the element, as key presses (any Unicode text, not only ASCII).
    public func sendKeys(_ text: String, to element: ElementID) async throws {
        _ = try await transport.post("\(prefix)/element/\(element)/value", ["text": .string(text)])
    }

    /// Empties an editable element.
    public func clear(_ element: ElementID) async throws {
        _ = try await transport.post("\(prefix)/element/\(element)/clear")
    }

    /// The element's rendered text, as a reader sees it (hidden text excluded).
    public func text(of element: ElementID) async throws -> String {
        try await string(transport.get("\(prefix)/element/\(element)/text"), "GET /text")
    }

    /// An attribute of the element; nil when it has none.
    public func attribute(_ name: String, of element: ElementID) async throws -> String? {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
        return try await transport.get("\(prefix)/element/\(element)/attribute/\(encoded)").stringValue
    }

    // MARK: - Page state

    /// A PNG of the viewport.
    public func screenshot() async throws -> Data {
        let value = try await transport.get("\(prefix)/screenshot")
        guard let base64 = value.stringValue, let data = Data(base64Encoded: base64) else {
            throw WebDriverError(.invalidResponse, "screenshot is not base64", command: "GET /screenshot")
        }
        return data
    }

    /// The cookies visible to the current page.
    public func cookies() async throws -> [WebDriverCookie] {
        let value = try await transport.get("\(prefix)/cookie")
        return (value.arrayValue ?? []).compactMap(WebDriverCookie.init)
    }

    /// Polls `condition` until it is true. `no such element` and `stale element reference`
    /// count as "not yet", since a page being replaced throws them; other errors end the wait.
    /// - Throws: `WebDriverError` `.waitTimedOut` naming `description`.
    public func wait(
        for description: String, timeout: Duration = .seconds(15), poll: Duration = .milliseconds(100),
        until condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                if try await condition() { return }
            } catch let error as WebDriverError where error.code == .noSuchElement || error.code == .staleElementReference {
                // Not there yet.
            }
            if ContinuousClock.now >= deadline {
                throw WebDriverError(.waitTimedOut, "\(description) (after \(timeout))")
            }
            try await Task.sleep(for: poll)
        }
    }

    // MARK: - End

    /// Quits the browser and removes the temporary profile. Idempotent.
    public func delete() async throws {
        let first = deleted.withLock { wasDeleted in
            defer { wasDeleted = true }
            return !wasDeleted
        }
        guard first else { return }
        var failure: (any Error)?
        do { _ = try await transport.delete(prefix, timeout: 30) } catch { failure = error }
        // A profile holds hundreds of small files: removed off the cooperative pool.
        await BlockingWork.run("profile") { [userDataDirectory] in
            _ = try? FileManager.default.removeItem(at: userDataDirectory)
        }
        if let failure { throw failure }
    }

    private func string(_ value: JSONValue, _ command: String) throws -> String {
        guard let text = value.stringValue else {
            throw WebDriverError(.invalidResponse, "expected a string, got \(value)", command: command)
        }
        return text
    }
}
