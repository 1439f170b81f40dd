import Foundation

/// What the long-running parts report about themselves, read by `/healthz`.
public final class HealthBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var watcherRunning = false
    private var workerRunning = false

    public init() {}

    func setWatcher(_ running: Bool) { lock.withLock { watcherRunning = running } }
    func setWorker(_ running: Bool) { lock.withLock { workerRunning = running } }

    var watcher: Bool { lock.withLock { watcherRunning } }
    var worker: Bool { lock.withLock { workerRunning } }
}
