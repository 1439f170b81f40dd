import Foundation
import GuichetWebDriver
import Testing

extension BrowserTests {
    /// chromedriver and Chromium must never outlive the test that started them: neither after
    /// `stop()`, nor when the test dropped them without stopping (a failure part-way, say).
    /// Nested in `BrowserTests` to share its gate and its serialization: one browser at a time.
    @Suite struct ChromeDriverLifecycleTests {
        @Test(.timeLimit(.minutes(3)))
        func stopEndsDriverBrowserAndProfile() async throws {
            try BrowserGate.requireBrowser()
            let driver = try await ChromeDriver.start(logFile: try BrowserGate.driverLog("stop"))
            #expect(driver.isRunning)
            #expect(driver.version.split(separator: ".").count >= 3, "version: \(driver.version)")
            let session = try await driver.newSession()
            #expect(session.browserVersion?.isEmpty == false)
            let profile = session.userDataDirectory.path
            let browserPIDs = ProcessTable.pids(commandLineContaining: profile)
            #expect(!browserPIDs.isEmpty, "Chromium should be running with \(profile)")
            // What stop() relies on: Chromium and its helpers are in chromedriver's process group.
            let groups = Set(browserPIDs.compactMap(ProcessTable.processGroup(of:)))
            #expect(groups == [driver.processIdentifier], "groups \(groups), driver \(driver.processIdentifier)")

            // The session is left open on purpose: stop() must end its browser too.
            await driver.stop()
            #expect(!driver.isRunning)
            #expect(!ProcessTable.isAlive(driver.processIdentifier))
            let browserGone = await ProcessTable.eventually(timeout: .seconds(10)) {
                ProcessTable.pids(commandLineContaining: profile).isEmpty
            }
            #expect(browserGone, "left running: \(ProcessTable.pids(commandLineContaining: profile))")
            #expect(!FileManager.default.fileExists(atPath: profile))

            await driver.stop()  // idempotent
            let error = await #expect(throws: WebDriverError.self) { _ = try await session.title() }
            #expect(error?.code == .transport)
        }

        @Test(.timeLimit(.minutes(3)))
        func droppedDriverIsEndedByDeinit() async throws {
            try BrowserGate.requireBrowser()
            let (pid, profile) = try await startAndDrop()
            // deinit sends SIGTERM at once and SIGKILL 3 s later, off the caller's thread.
            let gone = await ProcessTable.eventually(timeout: .seconds(15)) {
                !ProcessTable.isAlive(pid) && ProcessTable.pids(commandLineContaining: profile).isEmpty
            }
            #expect(gone, "driver alive: \(ProcessTable.isAlive(pid)); browser: \(ProcessTable.pids(commandLineContaining: profile))")
            let removed = await ProcessTable.eventually(timeout: .seconds(10)) { !FileManager.default.fileExists(atPath: profile) }
            #expect(removed)
        }

        /// Starts a driver and a session and returns without stopping either, as a test that
        /// threw half-way would.
        private func startAndDrop() async throws -> (Int32, String) {
            let driver = try await ChromeDriver.start(logFile: try BrowserGate.driverLog("deinit"))
            let session = try await driver.newSession()
            try await session.navigate(to: URL(string: "about:blank")!)
            return (driver.processIdentifier, session.userDataDirectory.path)
        }
    }
}
