import Foundation
import Logging

/// The state of one `run` of a ``DropFolderWatcher``: watch descriptors, stability
/// candidates, files announced by IN_CREATE but not closed yet, and the queue of work.
///
/// Used only from the task executing `run` (never shared), so it needs no lock; the
/// reported set lives in the watcher (shared with `forget`).
final class WatchSession {
    let configuration: WatcherConfiguration
    let logger: Logger
    let rootPath: String
    /// `nil` when inotify is off or its reader failed (scans still run).
    private(set) var inotify: InotifyHandle?
    let registry: Locked<ReportedRegistry>

    private var directoryByWatch: [Int32: WatchedDirectory] = [:]
    private var watchByPath: [PathKey: Int32] = [:]
    private var tracker = StabilityTracker()
    private var openForWrite: [PathKey: ContinuousClock.Instant] = [:]
    private var ready: [ReadyFile] = []
    private(set) var subtreesToScan: [WatchedDirectory] = []
    private var nextFullScan: ContinuousClock.Instant
    private var reportedProblems: Set<PathKey> = []

    init(configuration: WatcherConfiguration, logger: Logger, rootPath: String,
         inotify: InotifyHandle?, registry: Locked<ReportedRegistry>) {
        self.configuration = configuration
        self.logger = logger
        self.rootPath = rootPath
        self.inotify = inotify
        self.registry = registry
        self.nextFullScan = .now
    }

    /// Number of directories currently watched.
    var watchCount: Int { directoryByWatch.count }

    // MARK: Scheduling

    /// Stops using inotify after its reader failed; a full rescan catches up.
    func inotifyFailed() {
        inotify = nil
        directoryByWatch.removeAll()
        watchByPath.removeAll()
        openForWrite.removeAll()
        requestFullScan()
    }

    /// Asks for a full rescan as soon as possible.
    func requestFullScan() { nextFullScan = .now }

    /// `true` when the next full scan is due.
    var isFullScanDue: Bool { ContinuousClock.now >= nextFullScan }

    /// The request for a full scan, with the reported paths to check.
    func makeFullScanRequest() -> ScanRequest {
        .full(root: rootPath, pipelines: configuration.pipelineFolders,
              reportedPaths: registry.withLock { $0.paths })
    }

    /// Removes and returns the subtrees waiting for a partial scan.
    func takeSubtrees() -> [WatchedDirectory] {
        defer { subtreesToScan.removeAll() }
        return subtreesToScan
    }

    /// Removes and returns the files to hand to the consumer, in detection order.
    func takeReady() -> [ReadyFile] {
        defer { ready.removeAll() }
        return ready
    }

    // MARK: Scans

    /// Applies a scan: registers watches, runs the stability check, prunes gone entries.
    func apply(_ result: ScanResult, full: Bool) {
        let now = ContinuousClock.now
        for problem in result.problems {
            // Warn once per path; the same problem comes back at every rescan.
            let first = reportedProblems.insert(PathKey(problem.path)).inserted
            logger.log(level: first ? .warning : .debug, "watch problem", metadata: [
                "guichet.watch.path": "\(problem.path)", "guichet.watch.reason": "\(problem.reason)"])
        }
        for (directory, watch) in result.directories {
            guard let watch else { continue }
            if let old = watchByPath[directory.key], old != watch { directoryByWatch[old] = nil }
            directoryByWatch[watch] = directory
            watchByPath[directory.key] = watch
        }
        var seen = Set<PathKey>()
        for file in result.files {
            let key = PathKey(file.path)
            seen.insert(key)
            if registry.withLock({ $0.contains(key, identity: file.status.identity) }) {
                tracker.remove(key)
                continue
            }
            var delay = configuration.stabilityDuration
            if let since = openForWrite[key] {
                // Opened under inotify and not closed yet: a local writer may just be pausing.
                if now - since < configuration.openForWriteGrace { delay = configuration.openForWriteGrace }
            }
            if tracker.observe(key, identity: file.status.identity, at: now, requiredDelay: delay) {
                report(directory: file.directory, name: file.name, status: file.status, source: .scan)
            }
        }
        guard full, !result.cancelled else {
            // Files found in a new folder need a second look after the stability delay.
            if !tracker.isEmpty { nextFullScan = min(nextFullScan, now + stabilityFollowUp) }
            return
        }
        tracker.retain(seen)
        openForWrite = openForWrite.filter { seen.contains($0.key) }
        if !result.gonePaths.isEmpty {
            registry.withLock { registry in
                for path in result.gonePaths { registry.remove(PathKey(path)) }
            }
        }
        nextFullScan = ContinuousClock.now + (tracker.isEmpty ? configuration.rescanDuration : stabilityFollowUp)
    }

    /// Delay before the scan that confirms pending candidates.
    private var stabilityFollowUp: Duration {
        min(configuration.rescanDuration, max(configuration.stabilityDuration, .milliseconds(20)))
    }

    // MARK: inotify events

    /// Applies a batch of inotify events.
    func apply(_ events: [InotifyEvent]) {
        for event in events { apply(event) }
    }

    private func apply(_ event: InotifyEvent) {
        if event.has(InotifyFlag.overflow) {
            logger.warning("inotify queue overflow, rescanning", metadata: ["guichet.watch.path": "\(rootPath)"])
            requestFullScan()
            return
        }
        if event.has(InotifyFlag.ignored) {
            if let directory = directoryByWatch.removeValue(forKey: event.watchDescriptor),
               watchByPath[directory.key] == event.watchDescriptor {
                watchByPath[directory.key] = nil
            }
            return
        }
        guard let directory = directoryByWatch[event.watchDescriptor] else { return }
        if event.has(InotifyFlag.deleteSelf) || event.has(InotifyFlag.moveSelf) {
            logger.debug("watched folder gone", metadata: ["guichet.watch.path": "\(directory.path)"])
            forgetSubtree(directory.key)
            if directory.subfolders.isEmpty { requestFullScan() }  // recreate the pipeline folder
            return
        }
        if event.hasUndecodableName { requestFullScan() }
        guard let name = event.name else { return }
        let path = directory.path + "/" + name
        let key = PathKey(path)
        logger.debug("inotify event", metadata: [
            "guichet.watch.path": "\(path)", "guichet.watch.mask": "\(String(event.mask, radix: 16))"])

        if event.has(InotifyFlag.isDirectory) {
            if event.has(InotifyFlag.create) || event.has(InotifyFlag.movedTo) {
                if !IgnoreRules.isIgnoredDirectory(name: name) { subtreesToScan.append(directory.child(name)) }
            } else if event.has(InotifyFlag.movedFrom) || event.has(InotifyFlag.delete) {
                forgetSubtree(key)
            }
            return
        }
        if IgnoreRules.isIgnored(fileName: name) { return }
        if event.has(InotifyFlag.delete) || event.has(InotifyFlag.movedFrom) {
            registry.withLock { _ = $0.remove(key) }
            tracker.remove(key)
            openForWrite[key] = nil
            return
        }
        guard case .success(let status) = FileStatus.lstat(path: path), status.isReportable else {
            return  // already gone (temp file renamed), or a fifo/socket/directory
        }
        if event.has(InotifyFlag.closeWrite) || event.has(InotifyFlag.movedTo) {
            openForWrite[key] = nil
            report(directory: directory, name: name, status: status, source: .inotify)
        } else if event.has(InotifyFlag.create) {
            if status.kind == .symlink {
                report(directory: directory, name: name, status: status, source: .inotify)
            } else {
                openForWrite[key] = .now
            }
        }
    }

    /// Drops watches, candidates and reported entries at or under `directory`.
    private func forgetSubtree(_ directory: PathKey) {
        for (path, watch) in watchByPath where path.isWithin(directory) {
            watchByPath[path] = nil
            directoryByWatch[watch] = nil
            inotify?.removeWatch(watch)
        }
        tracker.removeAll(within: directory)
        openForWrite = openForWrite.filter { !$0.key.isWithin(directory) }
        registry.withLock { $0.removeAll(within: directory) }
    }

    /// Queues a file for the consumer unless this exact version was already reported.
    private func report(directory: WatchedDirectory, name: String, status: FileStatus,
                        source: ReadyFile.Source) {
        let path = directory.path + "/" + name
        let key = PathKey(path)
        let isNew = registry.withLock { registry in
            if registry.contains(key, identity: status.identity) { return false }
            registry.insert(key, path: path, identity: status.identity)
            return true
        }
        tracker.remove(key)
        openForWrite[key] = nil
        guard isNew else { return }
        let file = ReadyFile(
            url: URL(fileURLWithPath: path, isDirectory: false), pipelineFolder: directory.pipeline,
            subfolders: directory.subfolders, size: status.size,
            modificationDate: status.modificationDate, isSymlink: status.kind == .symlink,
            detectedBy: source, detectedAt: Date())
        logger.debug("file ready", metadata: [
            "guichet.watch.path": "\(path)", "guichet.watch.source": "\(source.rawValue)",
            "guichet.watch.size": "\(status.size)", "guichet.watch.symlink": "\(file.isSymlink)"])
        ready.append(file)
    }
}
