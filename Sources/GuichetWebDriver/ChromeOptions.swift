import Foundation

/// The Chromium command line a session asks chromedriver for (`goog:chromeOptions`).
public struct ChromeOptions: Sendable, Equatable {
    /// Arguments passed to Chromium, without `--user-data-dir` (each session adds its own).
    public var arguments: [String]
    /// The browser binary; nil means the driver's `browser` (`/usr/bin/chromium`).
    public var binary: URL?
    /// The W3C page load strategy: `normal` waits for `load`, which keeps tests simple.
    public var pageLoadStrategy: String

    public init(arguments: [String], binary: URL? = nil, pageLoadStrategy: String = "normal") {
        self.arguments = arguments
        self.binary = binary
        self.pageLoadStrategy = pageLoadStrategy
    }

    /// Headless Chromium as it runs in a container or CI, as root, with a small `/dev/shm`:
    /// - `--headless=new`: the full browser without a display (the old headless mode differs).
    /// - `--no-sandbox`: Chromium's sandbox refuses to run as root.
    /// - `--disable-gpu`: no GPU here; avoids a GPU process retrying and logging.
    /// - `--disable-dev-shm-usage`: containers often give `/dev/shm` 64 MB, which crashes tabs.
    /// - a fixed window size, so screenshots and layout are the same on every machine.
    public static func headless(width: Int = 1280, height: Int = 900) -> ChromeOptions {
        ChromeOptions(arguments: [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=\(width),\(height)",
            // Quiet, repeatable runs: no first-run UI, no background network traffic.
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-extensions", "--disable-sync", "--metrics-recording-only", "--lang=fr-FR",
        ])
    }

    /// The W3C `capabilities` body of `POST /session`.
    func capabilities(binary defaultBinary: URL, userDataDirectory: URL) -> JSONValue {
        let args = arguments.map(JSONValue.string) + [.string("--user-data-dir=\(userDataDirectory.path)")]
        let chromeOptions: JSONValue = [
            "binary": .string((binary ?? defaultBinary).path),
            "args": .array(args),
        ]
        return [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "pageLoadStrategy": .string(pageLoadStrategy),
                    "goog:chromeOptions": chromeOptions,
                ],
            ],
        ]
    }
}
