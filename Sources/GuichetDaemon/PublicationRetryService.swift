import Foundation
import GuichetJobs
import Logging
import ServiceLifecycle

/// Publishes, every `interval`, the approved results that could not be written to `Output/`
/// when they were approved (a full disk, a share that was away). The approver's decision is
/// already recorded; this only finishes the delivery, so nobody has to approve again or
/// restart the daemon once space is back.
struct PublicationRetryService: Service, CustomStringConvertible {
    var description: String { "PublicationRetryService" }

    let desk: ReviewDesk
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var waitingBefore = 0
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        let (published, waiting) = try await desk.publishPending()
                        if published > 0 {
                            logger.notice("approved results published after a delay", metadata: ["guichet.published": "\(published)"])
                        }
                        // Said when the count changes, not every round while a disk stays full.
                        if waiting != waitingBefore && waiting > 0 {
                            logger.warning("approved results wait to be published", metadata: ["guichet.waiting": "\(waiting)"])
                        }
                        waitingBefore = waiting
                    } catch {
                        logger.error("cannot read the job store", metadata: ["guichet.error": "\(error)"])
                    }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }
}
