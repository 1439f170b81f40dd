import Foundation
import GuichetWebDriver
import Testing

/// Whether browser tests run, and where they leave what a person may want to look at.
///
/// Without Chromium the browser tests are skipped with a reason, so a developer machine without
/// it stays green. CI sets `GUICHET_REQUIRE_BROWSER=1`: then they run anyway and fail on the
/// missing browser, so a lost install step cannot hide behind a skip.
enum BrowserGate {
    static var required: Bool { ProcessInfo.processInfo.environment["GUICHET_REQUIRE_BROWSER"] == "1" }

    /// Run when the browser is here, or when it must be (and then fail without it).
    static var shouldRun: Bool { ChromeDriver.available() || required }

    static let skipReason: Comment = """
        chromium and chromium-driver are not installed (apt-get install chromium chromium-driver); \
        set GUICHET_REQUIRE_BROWSER=1 to fail instead of skipping
        """

    /// First line of every browser test: a clear failure when the browser is required but absent.
    static func requireBrowser() throws {
        try #require(
            ChromeDriver.available(),
            "GUICHET_REQUIRE_BROWSER=1 but chromedriver (\(ChromeDriver.locateDriver()?.path ?? "missing")) or chromium (\(ChromeDriver.locateBrowser()?.path ?? "missing")) is not installed"
        )
    }

    /// `GUICHET_TEST_ARTIFACTS`, else `.build/test-artifacts/` in this package, created.
    static func artifactsDirectory() throws -> URL {
        let directory: URL
        if let path = ProcessInfo.processInfo.environment["GUICHET_TEST_ARTIFACTS"], !path.isEmpty {
            directory = URL(fileURLWithPath: path, isDirectory: true)
        } else {
            // From this file up to the package root, so the default does not depend on the
            // directory `swift test` was started in.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            directory = root.appendingPathComponent(".build/test-artifacts", isDirectory: true)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The chromedriver log for one test, beside its other artifacts; emptied, since the driver
    /// appends and the artifacts directory outlives runs.
    static func driverLog(_ test: String) throws -> URL {
        let log = try artifactsDirectory().appendingPathComponent("chromedriver-\(test).log")
        try? FileManager.default.removeItem(at: log)
        return log
    }
}

/// Processes seen through `/proc`, to prove nothing was left running.
enum ProcessTable {
    /// Pids whose command line contains `needle` (e.g. a session's profile directory).
    static func pids(commandLineContaining needle: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            // Arguments are NUL-separated; a zombie has an empty command line.
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(needle) ? pid : nil
        }
    }

    /// The process group of `pid` (the fifth field of `/proc/PID/stat`), nil once it is gone.
    static func processGroup(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }

    /// Whether `pid` is still a live (not zombie) process.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // The state letter follows the parenthesised command name.
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }

    /// Waits (asynchronously) until `condition` holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }
}
