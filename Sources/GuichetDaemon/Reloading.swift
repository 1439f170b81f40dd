@preconcurrency import Dispatch
import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetPipelines
import Logging
import ServiceLifecycle

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// SIGHUP as an async sequence: each signal asks for the configuration to be read again.
/// Signals that arrive while one is still waiting to be handled are merged into it.
enum HangupSignal {
    /// SIGHUP ends a process by default: ignore it from the start, before anything can send it.
    static func ignoreDefaultAction() { signal(SIGHUP, SIG_IGN) }

    /// A new watch on SIGHUP, ended (and the dispatch source cancelled) with its stream.
    static func stream() -> AsyncStream<Void> {
        ignoreDefaultAction()
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        continuation.onTermination = { _ in source.cancel() }
        source.resume()
        return stream
    }
}

/// The services that read the configuration (web page, notifications, worker, watcher), run
/// as one inner `ServiceGroup` per configuration: a generation. On SIGHUP the file is read and
/// checked first; if it is wrong the running generation is left alone and the problems are
/// logged and put in the systemd status. If it is right, the running generation is shut down
/// gracefully (no new files; jobs in hand finish within `shutdown_grace`, finished chunks are
/// stored; what is cut is queued again before the next one starts), then the next generation
/// starts. The daemon lock, the store, the model supervisor and the systemd notifier live
/// outside, for the whole run.
///
/// On SIGTERM the outer group's graceful shutdown reaches the inner group by itself
/// (ServiceLifecycle passes it to nested groups), and this service ends with it.
final class ReloadingServices: Service, CustomStringConvertible, @unchecked Sendable {
    var description: String { "ReloadingServices" }

    let first: Daemon
    /// SIGHUPs, watched from before the daemon tells systemd it is ready.
    let hangups: AsyncStream<Void>
    let supervisor: ModelSupervisor?
    let notifier: SystemdNotifier
    let board: HealthBoard
    /// Reads and validates the configuration again; nil when the daemon cannot reload.
    let load: (@Sendable () throws -> GuichetConfiguration)?
    /// The running generation's intake (its disk floor), for the notifier's status.
    let currentIntake: LockedValue<Intake>
    let logger: Logger

    init(first: Daemon, hangups: AsyncStream<Void>, supervisor: ModelSupervisor?, notifier: SystemdNotifier, board: HealthBoard,
         load: (@Sendable () throws -> GuichetConfiguration)?, currentIntake: LockedValue<Intake>) {
        self.first = first
        self.hangups = hangups
        self.supervisor = supervisor
        self.notifier = notifier
        self.board = board
        self.load = load
        self.currentIntake = currentIntake
        var log = first.logger
        log[metadataKey: "guichet.component"] = "reload"
        self.logger = log
    }

    enum Event: Sendable {
        case hangup
        /// A generation's group returned (its serial number, and its error if it threw).
        case ended(Int, (any Error)?)
    }

    func run() async throws {
        let (events, input) = AsyncStream.makeStream(of: Event.self)
        let hangups = self.hangups
        var daemon = first
        var group = try daemon.makeGeneration(supervisor: supervisor, board: board)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { for await _ in hangups { input.yield(.hangup) } }
            var serial = 0
            Self.launch(group, serial: serial, in: &tasks, input)
            var next: (daemon: Daemon, group: ServiceGroup)?
            var readAgain = false
            /// The configuration before the last reload, while the reloaded one is young.
            var fallback: (Daemon, ContinuousClock.Instant)?
            /// Puts back anything the stopped generation cut, then runs `g`.
            func start(_ d: Daemon, _ g: ServiceGroup, note: String? = nil) async {
                // Jobs cut at the end of the grace period, or files caught mid-intake, are
                // put back before the next generation starts: nothing waits for a restart.
                do {
                    _ = try await Recovery(configuration: d.configuration, layout: d.layout, store: d.store, logger: logger,
                                           stamp: DOCXApprovalStamp()).run()
                } catch {
                    logger.error("recovery between configurations failed; interrupted jobs resume at the next start",
                                 metadata: ["guichet.error": "\(error)"])
                }
                supervisor?.reconfigure(settings: d.configuration.llm.bundled, modelName: d.configuration.llm.model)
                daemon = d
                group = g
                serial += 1
                currentIntake.set(d.intake)
                Self.launch(g, serial: serial, in: &tasks, input)
                notifier.setNote(note)
                await notifier.ready()
            }
            loop: for await event in events {
                switch event {
                case .hangup:
                    if Task.isShuttingDownGracefully { continue }
                    // A reload is under way: read the file once more after it.
                    if next != nil { readAgain = true; continue }
                    notifier.reloading()
                    logger.notice("SIGHUP: reading the configuration again")
                    do {
                        next = try prepare(from: daemon)
                        logger.notice("configuration valid; stopping the services that read it (jobs in hand may finish)",
                                      metadata: ["guichet.shutdown_grace_s": "\(daemon.configuration.shutdownGrace)"])
                        await group.triggerGracefulShutdown()
                    } catch {
                        let problems = Self.problems(error)
                        logger.error("configuration not reloaded; still running with the previous one",
                                     metadata: ["guichet.config.problems": "\(problems.joined(separator: "; "))"])
                        notifier.setNote("CONFIGURATION NOT RELOADED (\(problems.count) problem(s), see the log); running with the previous one")
                        await notifier.ready()
                    }

                case .ended(let ended, let error):
                    guard ended == serial else { continue }
                    if Task.isShuttingDownGracefully || (next == nil && error == nil) { break loop }  // SIGTERM
                    if let upcoming = next {
                        if let error {
                            logger.error("a service failed while stopping for the reload", metadata: ["guichet.error": "\(error)"])
                        }
                        next = nil
                        let before = daemon
                        await start(upcoming.daemon, upcoming.group)
                        fallback = (before, ContinuousClock.now)
                        logger.notice("configuration reloaded", metadata: [
                            "guichet.pipelines": "\(daemon.configuration.pipelines.map(\.folder).joined(separator: ","))",
                            "guichet.llm.model": "\(daemon.configuration.llm.model)",
                        ])
                    } else if let error {
                        // A reloaded configuration that fails as it starts (its web port is
                        // taken, say) gives way to the one before it rather than ending the daemon.
                        guard let (before, since) = fallback, ContinuousClock.now - since < .seconds(60),
                              let again = try? before.makeGeneration(supervisor: supervisor, board: board) else { throw error }
                        fallback = nil
                        logger.error("the reloaded configuration failed to start; back to the previous one",
                                     metadata: ["guichet.error": "\(error)"])
                        await start(before, again, note: "RELOADED CONFIGURATION FAILED TO START (see the log); running with the previous one")
                        continue
                    }
                    if readAgain {
                        readAgain = false
                        input.yield(.hangup)
                    }
                }
            }
            tasks.cancelAll()
        }
    }

    /// The next generation, built (and so checked) in full before the running one is stopped.
    func prepare(from daemon: Daemon) throws -> (daemon: Daemon, group: ServiceGroup) {
        guard let load else {
            throw GuichetError(.configuration, "this daemon was started without a configuration file to read again")
        }
        let next = try daemon.reloaded(with: try load())
        return (next, try next.makeGeneration(supervisor: supervisor, board: board))
    }

    static func launch(_ group: ServiceGroup, serial: Int, in tasks: inout ThrowingTaskGroup<Void, any Error>,
                       _ input: AsyncStream<Event>.Continuation) {
        tasks.addTask {
            do {
                try await group.run()
                input.yield(.ended(serial, nil))
            } catch {
                input.yield(.ended(serial, error))
            }
        }
    }

    /// One line per problem, for the log.
    static func problems(_ error: any Error) -> [String] {
        if let e = error as? ConfigurationError {
            return e.problems.map { "\(e.file.map { "\($0): " } ?? "")\($0)" }
        }
        return ["\(error)"]
    }
}

/// A value read and replaced from several threads.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    var get: Value { lock.withLock { value } }
    func set(_ v: Value) { lock.withLock { value = v } }
}

extension Daemon {
    /// The daemon with a configuration read again: same store and lock. Settings that cannot
    /// change under a running daemon are refused with the reason.
    func reloaded(with new: GuichetConfiguration) throws -> Daemon {
        let newLayout = StateLayout(new)
        guard newLayout.stateDir.path == layout.stateDir.path else {
            throw GuichetError(.configuration, "state_dir changed (\(layout.stateDir.path) → \(newLayout.stateDir.path)); restart the daemon to move its state")
        }
        guard new.llm.backend == configuration.llm.backend else {
            throw GuichetError(.configuration, "llm.backend changed (\(configuration.llm.backend.rawValue) → \(new.llm.backend.rawValue)); restart the daemon to apply it")
        }
        var log = logger
        if let level = Logger.Level(rawValue: new.logLevel) { log.logLevel = level }
        return Daemon(configuration: new, layout: newLayout, store: store, logger: log)
    }

    /// The services that read the configuration, as one group; stopped in reverse order:
    /// first no new files, then no new jobs (the worker drains), then notifications, and the
    /// web page last, so /healthz and approvals answer while the worker drains.
    func makeGeneration(supervisor: ModelSupervisor?, board: HealthBoard) throws -> ServiceGroup {
        try layout.createDirectories(for: configuration.pipelines)
        let client = try makeClient()
        let intake = self.intake
        var services: [any Service] = []
        if configuration.web.enabled {
            let probes = DaemonProbes(configuration: configuration, store: store, board: board, supervisor: supervisor,
                                      diskPressure: { intake.lowDiskSpace() != nil }, registry: MetricsBackend.registry)
            services.append(try makeWebServer(probes: probes).makeApplication())
        }
        if let notify = try makeNotificationService() { services.append(notify) }
        services.append(makeWorker(client: client, readiness: supervisor, board: board))
        var plog = logger
        plog[metadataKey: "guichet.component"] = "publication"
        services.append(PublicationRetryService(desk: reviewDesk, interval: .seconds(configuration.watcher.rescanInterval), logger: plog))
        var wlog = logger
        wlog[metadataKey: "guichet.component"] = "watcher"
        var watcher = WatcherService(configuration: configuration, layout: layout, intake: intake, logger: wlog)
        watcher.board = board
        services.append(watcher)
        return ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
    }
}
