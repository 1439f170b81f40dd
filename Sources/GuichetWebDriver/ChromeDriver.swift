import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A chromedriver child process on a free 127.0.0.1 port, ready for sessions.
///
/// Start it with `start()`, end it with `stop()`. If neither `stop()` nor `withSession` ends
/// it, `deinit` does (SIGTERM now, SIGKILL shortly after), and as a last resort so does the
/// test process's exit: a failing test must not leave chromedriver or Chromium behind.
/// Its output goes to `logFile`, never to the test's own output.
public final class ChromeDriver: Sendable {
    /// The chromedriver executable.
    public let executable: URL
    /// The browser binary sessions start (`goog:chromeOptions.binary`).
    public let browser: URL
    /// The port chromedriver listens on, on 127.0.0.1.
    public let port: Int
    /// Where chromedriver's output goes (it does not forward Chromium's own stderr).
    public let logFile: URL
    /// chromedriver's version, as `/status` reports it (e.g. `156.0.8078.108`).
    public let version: String

    let transport: WebDriverTransport
    private let child: ChildProcess
    private let userDataDirectories = Mutex<[URL]>([])

    private init(executable: URL, browser: URL, port: Int, logFile: URL, version: String, child: ChildProcess) {
        self.executable = executable
        self.browser = browser
        self.port = port
        self.logFile = logFile
        self.version = version
        self.child = child
        self.transport = WebDriverTransport(port: port)
    }

    deinit {
        let directories = userDataDirectories.withLock { $0 }
        guard child.isRunning || !directories.isEmpty else { return }
        child.terminateDetached(grace: .seconds(3)) {
            for directory in directories { _ = try? FileManager.default.removeItem(at: directory) }
        }
    }

    // MARK: - Finding the binaries

    /// `chromedriver` from `PATH`, else `/usr/bin/chromedriver`; nil when neither is executable.
    public static func locateDriver() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/chromedriver" } + ["/usr/bin/chromedriver"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }

    /// Debian's Chromium, `/usr/bin/chromium`; nil when it is not installed.
    public static func locateBrowser() -> URL? {
        let path = "/usr/bin/chromium"
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }

    /// Whether both chromedriver and Chromium are installed, so browser tests can run.
    public static func available() -> Bool {
        locateDriver() != nil && locateBrowser() != nil
    }

    // MARK: - Life cycle

    /// Starts chromedriver on a free port and waits until `/status` says it is ready.
    ///
    /// - Parameters:
    ///   - logFile: where its output goes; by default a new file in the temporary directory.
    ///   - startTimeout: how long to wait for readiness; loose, since two slow cores can take seconds.
    ///   - verbose: log every command and Chromium's own stderr (`--verbose --enable-chrome-logs`),
    ///     to find why a browser did not start; the log then grows by megabytes per screenshot.
    /// - Throws: `WebDriverError` `.driverNotFound` or `.driverStartFailed` (with the log's end).
    public static func start(logFile: URL? = nil, startTimeout: Duration = .seconds(30), verbose: Bool = false) async throws -> ChromeDriver {
        guard let executable = locateDriver(), let browser = locateBrowser() else {
            throw WebDriverError(.driverNotFound, "chromedriver: \(locateDriver()?.path ?? "missing"), chromium: \(locateBrowser()?.path ?? "missing")")
        }
        let log = logFile ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-webdriver/chromedriver-\(getpid())-\(UUID().uuidString.prefix(8)).log")
        var lastFailure = ""
        // A port found free can be taken before chromedriver binds it: retry with another.
        for _ in 1...3 {
            let port = try freePort()
            let arguments = ["--port=\(port)"] + (verbose ? ["--verbose", "--enable-chrome-logs"] : [])
            let child = try ChildProcess(executable: executable, arguments: arguments, log: log)
            let transport = WebDriverTransport(port: port)
            do {
                if let version = try await waitReady(transport, child: child, timeout: startTimeout, log: log) {
                    return ChromeDriver(executable: executable, browser: browser, port: port, logFile: log, version: version, child: child)
                }
                lastFailure = "chromedriver exited with status \(child.terminationStatus ?? -1)"
            } catch {
                await child.terminate(grace: .seconds(3))
                throw error
            }
            await child.terminate(grace: .seconds(3))
        }
        throw WebDriverError(.driverStartFailed, "\(lastFailure); log \(log.path): \(logTail(log))")
    }

    /// Polls `/status`: the version once ready, nil if the child exited first.
    private static func waitReady(_ transport: WebDriverTransport, child: ChildProcess, timeout: Duration, log: URL) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard child.isRunning else { return nil }
            if let status = try? await transport.get("status", timeout: 2), status["ready"]?.boolValue == true {
                // "156.0.8078.108 (730482a9…-refs/branch-heads/8078@{#2244})": the number is what matters.
                let build = status["build"]?["version"]?.stringValue ?? "unknown"
                return build.split(separator: " ").first.map(String.init) ?? build
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw WebDriverError(.driverStartFailed, "not ready after \(timeout); log \(log.path): \(logTail(log))")
    }

    /// Whether the chromedriver process is still running.
    public var isRunning: Bool { child.isRunning }

    /// chromedriver's process id (also its process group's).
    public var processIdentifier: Int32 { child.pid }

    /// Ends chromedriver and every browser process it started: SIGTERM, then SIGKILL after
    /// `grace`. Removes the sessions' temporary profiles. Idempotent; never throws.
    public func stop(grace: Duration = .seconds(5)) async {
        await child.terminate(grace: grace)
        let directories = userDataDirectories.withLock { list in
            defer { list.removeAll() }
            return list
        }
        await BlockingWork.run("profiles") {
            for directory in directories { _ = try? FileManager.default.removeItem(at: directory) }
        }
    }

    /// Starts a browser session; see `WebDriverSession.init(driver:options:)`.
    public func newSession(options: ChromeOptions = .headless()) async throws -> WebDriverSession {
        try await WebDriverSession(driver: self, options: options)
    }

    /// Starts chromedriver and a headless session, runs `body`, then deletes the session and
    /// stops chromedriver, whether `body` returned or threw.
    public static func withSession<T>(
        options: ChromeOptions = .headless(), logFile: URL? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (WebDriverSession) async throws -> T
    ) async throws -> T {
        let driver = try await start(logFile: logFile)
        do {
            let session = try await driver.newSession(options: options)
            let result: T
            do {
                result = try await body(session)
            } catch {
                try? await session.delete()
                throw error
            }
            try? await session.delete()
            await driver.stop()
            return result
        } catch {
            await driver.stop()
            throw error
        }
    }

    /// Remembers a session's profile so `stop()` removes it even when the session was not deleted.
    func adopt(userDataDirectory: URL) {
        userDataDirectories.withLock { $0.append(userDataDirectory) }
    }

    // MARK: - Helpers

    /// Asks the kernel for a free port on 127.0.0.1 and releases it for chromedriver to bind.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriverError(.driverStartFailed, "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw WebDriverError(.driverStartFailed, "no free port on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The end of a log file, for error messages.
    static func logTail(_ url: URL, bytes: Int = 1500) -> String {
        guard let data = try? Data(contentsOf: url) else { return "(no log)" }
        return String(decoding: data.suffix(bytes), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
