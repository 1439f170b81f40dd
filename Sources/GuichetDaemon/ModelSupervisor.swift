import Foundation
import GuichetConfig
import GuichetCore
import GuichetLLM
import Logging
import ServiceLifecycle

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Starts the bundled model server, checks `/health`, restarts it when it dies and stops it
/// on exit. Used only when `llm.backend = "bundled"`; any other backend is just a URL.
public final class ModelSupervisor: Service, ModelReadiness, CustomStringConvertible, @unchecked Sendable {
    public var description: String { "ModelSupervisor" }

    let logDirectory: URL
    let logger: Logger
    private let lock = NSLock()
    private var ready = false
    private var process: Process?
    private var current: (settings: GuichetConfiguration.Bundled, modelName: String?)
    /// Set by `reconfigure`: the next stop of the server is a restart we asked for.
    private var restartRequested = false

    /// The settings the server runs (or will next run) with; `reconfigure` may change them.
    var settings: GuichetConfiguration.Bundled { lock.withLock { current.settings } }
    var modelName: String? { lock.withLock { current.modelName } }
    let argumentsOverride: (@Sendable (GuichetConfiguration.Bundled) -> [String])?

    /// `argumentsOverride` replaces the server's command line (tests run a stand-in server).
    public init(settings: GuichetConfiguration.Bundled, modelName: String? = nil, logDirectory: URL, logger: Logger,
                argumentsOverride: (@Sendable (GuichetConfiguration.Bundled) -> [String])? = nil) {
        self.current = (settings, modelName)
        self.logDirectory = logDirectory
        self.logger = logger
        self.argumentsOverride = argumentsOverride
    }

    /// The running server's process id, if any.
    public var childPID: Int32? {
        lock.withLock { process.flatMap { $0.isRunning ? $0.processIdentifier : nil } }
    }

    var healthURL: String { "http://127.0.0.1:\(settings.port)/health" }

    public var isReady: Bool { lock.withLock { ready } }

    /// A configuration reload: with the same settings nothing happens and the server keeps
    /// running (returns false); with new ones the server is stopped and started again with them.
    @discardableResult
    public func reconfigure(settings: GuichetConfiguration.Bundled, modelName: String?) -> Bool {
        let changed = lock.withLock { () -> Bool in
            guard current.settings != settings || current.modelName != modelName else { return false }
            current = (settings, modelName)
            restartRequested = true
            ready = false
            return true
        }
        // The run loop sees the request within two seconds, stops the server (TERM, then KILL
        // after 5 s) and starts it again at once with the new settings.
        if changed { logger.notice("bundled model settings changed; restarting the model server") }
        return changed
    }

    private var restartIsRequested: Bool { lock.withLock { restartRequested } }

    public func waitUntilReady() async throws {
        while !isReady {
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    public func run() async throws {
        // A server already answering on the port (started by hand or by a test run) is used
        // as it is rather than fought over.
        if await HTTPProbe().get(url: healthURL, timeout: 2) == 200 {
            logger.notice("a model server already answers on the bundled port; using it", metadata: ["guichet.model.port": "\(settings.port)"])
            lock.withLock { ready = true }
            try await gracefulShutdown()
            return
        }
        do {
          try await cancelWhenGracefulShutdown {
            var backoff = 1.0
            while !Task.isCancelled {
                let started = Date()
                let p = try self.start()
                defer { self.stop(p) }
                if try await self.waitHealthy(p) {
                    self.lock.withLock { self.ready = true }
                    self.logger.info("model server ready", metadata: ["guichet.model.pid": "\(p.processIdentifier)", "guichet.model.startup_ms": "\(Int(Date().timeIntervalSince(started) * 1000))"])
                    backoff = 1
                    while p.isRunning && !self.restartIsRequested {
                        try await Task.sleep(for: .seconds(2))
                    }
                }
                let asked = self.lock.withLock {
                    self.ready = false
                    defer { self.restartRequested = false }
                    return self.restartRequested
                }
                if asked { continue }  // the deferred stop() has ended the old server
                self.logger.error("model server stopped; restarting", metadata: ["guichet.model.exit": "\(p.isRunning ? -1 : p.terminationStatus)", "guichet.model.log": "\(self.logDirectory.appendingPathComponent("model-server.log").path)"])
                try await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 30)
            }
          }
        } catch is CancellationError {
            // Graceful shutdown: the deferred stop() has ended the server.
        }
    }

    func start() throws -> Process {
        let (settings, modelName) = lock.withLock { current }
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: settings.python) else {
            throw GuichetError.missingBundled("Python of the bundled model (\(settings.python))")
        }
        guard argumentsOverride != nil || fm.fileExists(atPath: settings.modelPath) else {
            throw GuichetError.missingBundled("model file (\(settings.modelPath))")
        }
        try fm.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let logURL = logDirectory.appendingPathComponent("model-server.log")
        if !fm.fileExists(atPath: logURL.path) { fm.createFile(atPath: logURL.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: settings.python)
        p.arguments = argumentsOverride?(settings) ?? [
            settings.script, "--model", settings.modelPath, "--port", "\(settings.port)",
            "--threads", "\(settings.threads)", "--parallel", "\(settings.parallel)", "--ctx", "\(settings.contextSize)",
        ] + (modelName.map { ["--alias", $0] } ?? [])
        // The server's own log may quote prompts: it goes to a file under the state dir, never
        // into Guichet's log.
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        try p.run()
        lock.withLock { process = p }
        logger.info("model server starting", metadata: ["guichet.model.pid": "\(p.processIdentifier)", "guichet.model.port": "\(settings.port)"])
        return p
    }

    func waitHealthy(_ p: Process) async throws -> Bool {
        let deadline = Date().addingTimeInterval(settings.startTimeout)
        while Date() < deadline {
            guard p.isRunning, !restartIsRequested else { return false }
            if await HTTPProbe().get(url: healthURL, timeout: 2) == 200 { return true }
            try await Task.sleep(for: .milliseconds(300))
        }
        logger.error("model server did not become healthy in time", metadata: ["guichet.model.timeout_s": "\(settings.startTimeout)"])
        return false
    }

    func stop(_ p: Process) {
        guard p.isRunning else { return }
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        logger.info("model server stopped")
    }
}

extension GuichetError {
    static func missingBundled(_ what: String) -> GuichetError {
        GuichetError(.configuration, "the bundled model is not installed: missing \(what); run `make setup` (or `scripts/setup-model.sh`), or set llm.backend = \"remote\" with llm.url")
    }
}
