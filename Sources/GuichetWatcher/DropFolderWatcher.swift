@preconcurrency import Glibc
import Dispatch
import Foundation
import Logging

/// Watches the pipeline folders of a `Watch` directory and reports each complete file once.
///
/// Local writes are seen at once through inotify (IN_CLOSE_WRITE, IN_MOVED_TO). Writes made
/// by other machines on SMB/NFS shares, which inotify cannot see, are found by a scan at
/// start-up and periodic rescans, and reported only once their size and mtime stayed the
/// same for ``WatcherConfiguration/stabilityDelay``.
///
/// The blocking inotify `poll` runs on a dedicated thread and scans run on a private
/// Dispatch queue, so neither occupies Swift's cooperative pool.
public final class DropFolderWatcher: Sendable {
    /// Inputs of the loop in `run`.
    enum Input: Sendable {
        case inotify([InotifyEvent])
        case readerFailed(String)
        case tick
        case rescan
    }

    private struct Shared: Sendable {
        var running = false
        var watching = false
        var cancelled = false
        var continuation: AsyncStream<Input>.Continuation?
    }

    /// The configuration given at creation.
    public let configuration: WatcherConfiguration
    private let logger: Logger
    private let registry = Locked(ReportedRegistry())
    private let shared = Locked(Shared())
    private let scanQueue = DispatchQueue(label: "guichet.watch.scan")

    /// Creates a watcher; nothing starts before ``run(onReady:)``.
    public init(configuration: WatcherConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `true` once `run` has done its start-up scan and is watching, until it returns.
    public var isWatching: Bool { shared.withLock { $0.watching } }

    /// Makes the file at `url` detectable again, e.g. after the consumer failed to move it
    /// and wants another attempt. It is reported again after the stability check.
    public func forget(_ url: URL) {
        let key = PathKey(url.path)
        registry.withLock { _ = $0.remove(key) }
        shared.withLock { $0.continuation }?.yield(.rescan)
    }

    /// Watches until the calling task is cancelled, awaiting `onReady` for each ready file,
    /// one at a time. Returns promptly on cancellation after closing the inotify descriptor
    /// and stopping its thread.
    /// - Throws: ``WatcherError/alreadyRunning`` when called twice at once, or
    ///   ``WatcherError/rootUnavailable(path:reason:)`` when the root cannot be created.
    public func run(onReady: @escaping @Sendable (ReadyFile) async -> Void) async throws {
        let alreadyRunning = shared.withLock { state in
            defer { state.running = true; state.cancelled = false }
            return state.running
        }
        if alreadyRunning { throw WatcherError.alreadyRunning }
        defer { shared.withLock { $0 = Shared() } }

        let rootPath = configuration.root.standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: rootPath, withIntermediateDirectories: true)
        } catch {
            throw WatcherError.rootUnavailable(path: rootPath, reason: "\(error)")
        }
        let inotify: InotifyHandle? = configuration.useInotify ? openInotify(rootPath) : nil
        let (stream, continuation) = AsyncStream.makeStream(of: Input.self)
        let session = WatchSession(configuration: configuration, logger: logger, rootPath: rootPath,
                                   inotify: inotify, registry: registry)
        shared.withLock { $0.continuation = continuation }
        let readerDone = inotify.map { startReader($0, continuation: continuation) }

        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                let tick = configuration.tickDuration
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: tick)
                        if case .terminated = continuation.yield(.tick) { return }
                    }
                }
                await loop(session: session, stream: stream, onReady: onReady)
                group.cancelAll()
            }
        } onCancel: { [shared] in
            shared.withLock { $0.cancelled = true }
            continuation.finish()
            inotify?.wake()
        }
        continuation.finish()
        shared.withLock { $0.watching = false }
        if let inotify, let readerDone {
            inotify.wake()
            await readerDone.wait()  // not cancellable: the thread exits promptly once woken
        }
        logger.debug("watcher stopped", metadata: ["guichet.watch.path": "\(rootPath)"])
    }

    private func openInotify(_ rootPath: String) -> InotifyHandle? {
        do {
            return try InotifyHandle()
        } catch {
            logger.error("inotify unavailable, scanning only", metadata: [
                "guichet.watch.path": "\(rootPath)", "guichet.watch.reason": "\(error.description)"])
            return nil
        }
    }

    /// The main loop: applies inputs, runs due scans, then hands ready files to `onReady`.
    private func loop(session: WatchSession, stream: AsyncStream<Input>,
                      onReady: @Sendable (ReadyFile) async -> Void) async {
        await scan(session.makeFullScanRequest(), session: session, full: true)
        shared.withLock { $0.watching = true }
        logger.debug("watching", metadata: [
            "guichet.watch.path": "\(session.rootPath)", "guichet.watch.folders": "\(session.watchCount)"])
        for file in session.takeReady() {
            if Task.isCancelled { return }
            await onReady(file)
        }
        for await input in stream {
            if Task.isCancelled { return }
            switch input {
            case .inotify(let events): session.apply(events)
            case .readerFailed(let reason):
                logger.error("inotify reader stopped, scanning only", metadata: [
                    "guichet.watch.path": "\(session.rootPath)", "guichet.watch.reason": "\(reason)"])
                session.inotifyFailed()
            case .rescan: session.requestFullScan()
            case .tick: break
            }
            while !session.subtreesToScan.isEmpty {
                for directory in session.takeSubtrees() {
                    await scan(.subtree(directory), session: session, full: false)
                }
            }
            if session.isFullScanDue {
                await scan(session.makeFullScanRequest(), session: session, full: true)
            }
            for file in session.takeReady() {
                if Task.isCancelled { return }
                await onReady(file)
            }
        }
    }

    /// Runs a scan on the scan queue and applies its result.
    private func scan(_ request: ScanRequest, session: WatchSession, full: Bool) async {
        let inotify = session.inotify
        let shared = self.shared
        let result = await withCheckedContinuation { (done: CheckedContinuation<ScanResult, Never>) in
            scanQueue.async {
                done.resume(returning: DirectoryScanner.scan(
                    request, inotify: inotify, isCancelled: { shared.withLock { $0.cancelled } }))
            }
        }
        session.apply(result, full: full)
    }

    /// Starts the dedicated thread that blocks in `poll` and forwards inotify batches.
    /// The returned signal fires once the thread has closed the descriptors.
    private func startReader(_ inotify: InotifyHandle,
                             continuation: AsyncStream<Input>.Continuation) -> ExitSignal {
        let done = ExitSignal()
        let thread = Thread {
            reading: while true {
                switch inotify.waitForEvents() {
                case .events(let events):
                    if case .terminated = continuation.yield(.inotify(events)) { break reading }
                case .woken:
                    break reading
                case .failed(let code):
                    continuation.yield(.readerFailed(code.description))
                    break reading
                }
            }
            inotify.close()
            done.signal()
        }
        thread.name = "guichet.watch.inotify"
        thread.start()
        return done
    }
}

/// Lets an async caller wait for a thread to finish, even from a cancelled task.
final class ExitSignal: Sendable {
    private struct State {
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())

    /// Marks the thread as finished and resumes every waiter.
    func signal() {
        let waiters = state.withLock { state in
            state.done = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `signal()` was called (at once if it already was).
    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if !state.done { state.waiters.append(waiter) }
                return state.done
            }
            if done { waiter.resume() }
        }
    }
}
