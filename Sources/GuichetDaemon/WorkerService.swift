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
    let logger: Logger
    /// Called after each job reaches a resting state (for `submit --wait`).
    let onOutcome: (@Sendable (JobRunner.Outcome) -> Void)?

    public init(store: any JobStore, runner: JobRunner, workers: Int, readiness: (any ModelReadiness)?,
                pollInterval: Duration = .milliseconds(250), logger: Logger,
                onOutcome: (@Sendable (JobRunner.Outcome) -> Void)? = nil) {
        self.store = store
        self.runner = runner
        self.workers = max(1, workers)
        self.readiness = readiness
        self.pollInterval = pollInterval
        self.logger = logger
        self.onOutcome = onOutcome
    }

    public func run() async throws {
        if let readiness {
            logger.info("waiting for the model to be ready")
            try await readiness.waitUntilReady()
        }
        logger.info("worker started", metadata: ["guichet.workers": "\(workers)"])
        // On SIGTERM, in-flight calls are cancelled: every finished chunk is already stored,
        // and the interrupted job is queued again at the next start.
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<self.workers {
                        group.addTask { try await self.loop(n) }
                    }
                    try await group.waitForAll()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: the expected way out.
        }
        logger.info("worker stopped")
    }

    func loop(_ n: Int) async throws {
        while !Task.isCancelled {
            let job: Job?
            do {
                job = try await store.claimNextQueued(now: Date())
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot read the job store", metadata: ["guichet.error": "\(error)"])
                try await Task.sleep(for: .seconds(2))
                continue
            }
            guard let job else {
                try await Task.sleep(for: pollInterval)
                continue
            }
            let outcome = await runner.run(job)
            onOutcome?(outcome)
        }
    }
}
