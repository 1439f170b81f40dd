import Foundation
import GuichetCore
import GuichetPipelines
import Logging
import ServiceLifecycle

/// Something that says when the model can take calls (the bundled server after its start).
public protocol ModelReadiness: Sendable {
    /// Returns once the model answers its health check, or throws on cancellation.
    func waitUntilReady() async throws
}

/// Takes queued jobs from the store and runs them, several at once.
///
/// The store is polled rather than signalled: jobs may be queued by another process (a
/// `guichet submit`, or another node sharing the store later), and a poll every quarter of a
/// second costs one indexed query.
public final class WorkerService: Service, CustomStringConvertible {
    public var description: String { "WorkerService" }

    let store: any JobStore
    let runner: JobRunner
    let workers: Int
    let readiness: (any ModelReadiness)?
    let pollInterval: Duration
    let shutdownGrace: Duration
    let logger: Logger
    /// Called after each job reaches a resting state (for `submit --wait`).
    let onOutcome: (@Sendable (JobRunner.Outcome) -> Void)?
    /// Told while the worker runs, for `/healthz`.
    let board: HealthBoard?

    public init(store: any JobStore, runner: JobRunner, workers: Int, readiness: (any ModelReadiness)?,
                pollInterval: Duration = .milliseconds(250), shutdownGrace: Duration = .seconds(20), logger: Logger,
                onOutcome: (@Sendable (JobRunner.Outcome) -> Void)? = nil, board: HealthBoard? = nil) {
        self.store = store
        self.runner = runner
        self.workers = max(1, workers)
        self.readiness = readiness
        self.pollInterval = pollInterval
        self.shutdownGrace = shutdownGrace
        self.logger = logger
        self.onOutcome = onOutcome
        self.board = board
    }

    public func run() async throws {
        if let readiness {
            logger.info("waiting for the model to be ready")
            do {
                try await cancelWhenGracefulShutdown { try await readiness.waitUntilReady() }
            } catch is CancellationError {
                return
            }
        }
        logger.info("worker started", metadata: ["guichet.workers": "\(workers)"])
        board?.setWorker(true)
        defer { board?.setWorker(false) }
        // On SIGTERM: stop taking jobs, let the jobs in hand finish for up to `shutdownGrace`,
        // then cancel what is left. Every finished chunk is already stored, and an interrupted
        // job is queued again (now or at the next start), so cancelling loses nothing.
        let state = DrainState()
        let loops = Task {
            await withTaskGroup(of: Void.self) { group in
                for n in 0..<self.workers {
                    group.addTask { await self.loop(n, state) }
                }
            }
        }
        let grace = Task {
            while !state.isDraining && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
            let deadline = ContinuousClock.now + self.shutdownGrace
            while state.active > 0 && ContinuousClock.now < deadline && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
            }
            if state.active > 0 && !Task.isCancelled {
                self.logger.warning("shutdown grace period over; interrupting jobs in progress",
                                    metadata: ["guichet.jobs.in_progress": "\(state.active)"])
                loops.cancel()
            }
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await loops.value
            } onCancel: {
                loops.cancel()
            }
        } onGracefulShutdown: {
            state.drain()
        }
        grace.cancel()
        logger.info("worker stopped")
    }

    func loop(_ n: Int, _ state: DrainState) async {
        state.enter()
        defer { state.leave() }
        while !Task.isCancelled && !state.isDraining {
            let job: Job?
            do {
                job = try await store.claimNextQueued(now: Date())
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot read the job store", metadata: ["guichet.error": "\(error)"])
                try? await Task.sleep(for: .seconds(2))
                continue
            }
            guard let job else {
                try? await Task.sleep(for: pollInterval)
                continue
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = await runner.run(job)
            JobRunner.record(outcome, pipeline: job.pipeline, nanoseconds: DispatchTime.now().uptimeNanoseconds &- started)
            if case .failed(nil, let error) = outcome { await putBack(job, after: error, state) }
            onOutcome?(outcome)
        }
    }

    /// The runner could not record where the job ended (the store could not be written: a full
    /// disk, say), so the job would sit in `processing` until the next start. It goes back to
    /// the queue as soon as the store takes writes again; its finished chunks are kept.
    func putBack(_ job: Job, after error: GuichetError, _ state: DrainState) async {
        var log = logger
        log[metadataKey: "guichet.job.id"] = "\(job.id)"
        while !Task.isCancelled {
            do {
                guard try await store.job(job.id)?.state == .processing else { return }
                try await store.transition(
                    job.id, from: [.processing], to: .queued,
                    audit: AuditEntry(jobID: job.id, actor: AuditEntry.machineActor, action: .retryScheduled,
                                      detail: "the outcome could not be recorded (\(error.code)); queued again")
                ) { $0.notBefore = Date().addingTimeInterval(5) }
                log.warning("job queued again: its outcome could not be recorded", metadata: ["guichet.error": "\(error.message)"])
                return
            } catch {
                // Still failing. When stopping, Recovery puts it back at the next start.
                if state.isDraining { return }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}

/// Shared by the worker loops: whether shutdown began, and how many loops still run.
final class DrainState: @unchecked Sendable {
    private let lock = NSLock()
    private var draining = false
    private var running = 0

    var isDraining: Bool { lock.withLock { draining } }
    var active: Int { lock.withLock { running } }
    func drain() { lock.withLock { draining = true } }
    func enter() { lock.withLock { running += 1 } }
    func leave() { lock.withLock { running -= 1 } }
}
