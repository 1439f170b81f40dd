import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetLLM
import GuichetPipelines
import GuichetStore
import GuichetWeb
import Logging
import ServiceLifecycle

/// The parts of a running Guichet, built once from the configuration.
public struct Daemon: Sendable {
    public let configuration: GuichetConfiguration
    public let layout: StateLayout
    public let store: SQLiteJobStore
    public let logger: Logger

    /// Opens the store (creating the state directory and drop folders as needed).
    public init(configuration: GuichetConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.layout = StateLayout(configuration)
        try layout.createDirectories(for: configuration.pipelines)
        self.store = try SQLiteJobStore(path: layout.databasePath)
        self.logger = logger
    }

    /// A daemon over a store already open (a configuration reload).
    init(configuration: GuichetConfiguration, layout: StateLayout, store: SQLiteJobStore, logger: Logger) {
        self.configuration = configuration
        self.layout = layout
        self.store = store
        self.logger = logger
    }

    public var intake: Intake { Intake(configuration: configuration, layout: layout, store: store, logger: logger) }
    public var reviewDesk: ReviewDesk {
        ReviewDesk(configuration: configuration, layout: layout, store: store, logger: logger, stamp: DOCXApprovalStamp())
    }

    public var accountDesk: AccountDesk {
        AccountDesk(store: store, bcryptCost: configuration.web.bcryptCost, logger: logger)
    }

    /// The approvers' web page over this daemon's store and review desk.
    public func makeWebServer(probes: (any WebProbes)? = nil) throws -> WebServer {
        var log = logger
        log[metadataKey: "guichet.component"] = "web"
        return try WebServer(configuration: configuration, layout: layout, jobs: store, accounts: store, desk: reviewDesk,
                             deriver: EditedResultDeriver(configuration: configuration, layout: layout), probes: probes, logger: log)
    }

    /// `guichet serve`: the web page alone (the daemon may run in another process; both share
    /// the store).
    public func serve() async throws {
        MetricsBackend.bootstrap()
        let app = try makeWebServer().makeApplication()
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("web page only", metadata: ["guichet.web": "http://\(configuration.web.host):\(configuration.web.port)/"])
        try await group.run()
    }

    public func makeClient() throws -> CurlChatClient {
        var c = LLMClientConfiguration(baseURL: configuration.llm.url)
        c.apiKey = try configuration.apiKey()
        c.requestTimeout = configuration.llm.requestTimeout
        c.connectTimeout = configuration.llm.connectTimeout
        c.maxAttempts = configuration.llm.maxAttempts
        c.maxConcurrentRequests = configuration.llm.maxConcurrentRequests
        var log = logger
        log[metadataKey: "guichet.component"] = "llm"
        return CurlChatClient(configuration: c, logger: log)
    }

    /// PDFs are read by a child `guichet pdf-extract` when this process is the `guichet`
    /// binary (it always is, but for tests that link the daemon in-process).
    static func pdfExtractor() -> any PDFExtractor {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.lastPathComponent == "guichet" ? SubprocessPDFExtractor(executable: me) : InProcessPDFExtractor()
    }

    func makeSupervisor() -> ModelSupervisor? {
        guard configuration.llm.backend == .bundled else { return nil }
        var log = logger
        log[metadataKey: "guichet.component"] = "model"
        return ModelSupervisor(settings: configuration.llm.bundled, modelName: configuration.llm.model, logDirectory: layout.stateDir, logger: log)
    }

    func makeWorker(client: any ChatClient, readiness: (any ModelReadiness)?, board: HealthBoard? = nil,
                    onOutcome: (@Sendable (JobRunner.Outcome) -> Void)? = nil) -> WorkerService {
        var log = logger
        log[metadataKey: "guichet.component"] = "worker"
        let runner = JobRunner(configuration: configuration, layout: layout, store: store, client: client,
                               pdfExtractor: Self.pdfExtractor(), logger: log)
        return WorkerService(store: store, runner: runner, workers: configuration.llm.maxConcurrentRequests,
                             readiness: readiness, shutdownGrace: .milliseconds(Int64(configuration.shutdownGrace * 1000)),
                             logger: log, onOutcome: onOutcome, board: board)
    }

    /// `guichet run`: takes the daemon lock, recovers from any interruption, then runs the
    /// model supervisor (bundled backend), the services that read the configuration (web page,
    /// notifications, worker, watcher) and the systemd notifier until SIGTERM/SIGINT.
    /// Services stop in reverse order: first no new files, then no new jobs, then the model.
    ///
    /// `reload` reads the configuration again; with it, SIGHUP reloads the configuration
    /// without dropping jobs (see `ReloadingServices`). Without it, SIGHUP is refused and
    /// logged, and the daemon keeps running.
    public func run(reload: (@Sendable () throws -> GuichetConfiguration)? = nil) async throws {
        // Before anything else: SIGHUP must never end the daemon.
        HangupSignal.ignoreDefaultAction()
        let lock = try DaemonLock(path: layout.lockPath)
        defer { withExtendedLifetime(lock) {} }
        do {
            _ = try await Recovery(configuration: configuration, layout: layout, store: store, logger: logger, stamp: DOCXApprovalStamp()).run()
            let supervisor = makeSupervisor()
            var nlog = logger
            nlog[metadataKey: "guichet.component"] = "systemd"
            let intake = LockedValue(self.intake)
            let notifier = SystemdNotifier(store: store, readiness: supervisor, diskPressure: { intake.get.lowDiskSpace() }, logger: nlog)
            MetricsBackend.bootstrap()
            let generations = ReloadingServices(first: self, hangups: HangupSignal.stream(), supervisor: supervisor, notifier: notifier, board: HealthBoard(),
                                                load: reload, currentIntake: intake)
            var services: [any Service] = []
            // First in the list, so last to stop: the model outlives the jobs that use it, and
            // a reload leaves it running unless its own settings changed.
            if let supervisor { services.append(supervisor) }
            services.append(generations)
            // Last in the list, so first to stop: STOPPING=1 goes out as shutdown begins.
            services.append(notifier)
            let group = ServiceGroup(configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            logger.info("guichet started", metadata: [
                "guichet.watch": "\(layout.watchDir.path)", "guichet.output": "\(layout.outputDir.path)",
                "guichet.llm.backend": "\(configuration.llm.backend.rawValue)", "guichet.llm.model": "\(configuration.llm.model)",
            ])
            try await group.run()
            logger.info("guichet stopped")
        }
    }

    /// `guichet submit --wait` with no daemon running: processes queued jobs in this process
    /// until `id` reaches a resting state, then stops. Returns the job.
    public func processUntilSettled(_ id: JobID) async throws -> Job {
        let lock = try DaemonLock(path: layout.lockPath)
        defer { withExtendedLifetime(lock) {} }
        do {
            _ = try await Recovery(configuration: configuration, layout: layout, store: store, logger: logger, stamp: DOCXApprovalStamp()).run()
            let client = try makeClient()
            let supervisor = makeSupervisor()
            let settled = SettledSignal(id: id)
            let worker = makeWorker(client: client, readiness: supervisor) { outcome in settled.observe(outcome) }
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let supervisor { services.append(.init(service: supervisor)) }
            services.append(.init(service: worker))
            services.append(.init(service: settled, successTerminationBehavior: .gracefullyShutdownGroup))
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            guard let job = try await store.job(id) else { throw GuichetError(.notFound, "no job \(id)") }
            return job
        }
    }
}

/// Ends a `submit --wait` run once the awaited job settles (or waits for the model).
final class SettledSignal: Service, CustomStringConvertible, @unchecked Sendable {
    var description: String { "SettledSignal" }
    let id: JobID
    private let lock = NSLock()
    private var done = false

    init(id: JobID) { self.id = id }

    func observe(_ outcome: JobRunner.Outcome) {
        let jobID: JobID?
        switch outcome {
        case .awaitingReview(let j): jobID = j.id
        case .waitingForModel(let j, _): jobID = j.id
        case .failed(let j, _): jobID = j?.id ?? id
        }
        if jobID == id { lock.withLock { done = true } }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !(self.lock.withLock { self.done }) {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        } catch is CancellationError {}
    }
}
