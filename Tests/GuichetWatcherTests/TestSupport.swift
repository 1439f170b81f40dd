@preconcurrency import Glibc
import Foundation
import Logging
import Testing
@testable import GuichetWatcher

/// Collects reported files from the watcher callback.
actor Collector {
    private(set) var files: [ReadyFile] = []
    func add(_ file: ReadyFile) { files.append(file) }
    func count(named name: String) -> Int { files.filter { $0.url.lastPathComponent == name }.count }
}

/// A temporary `Watch` root with a running watcher; stopped and removed by `stop()`.
final class Harness: Sendable {
    let root: URL
    let watcher: DropFolderWatcher
    let collector = Collector()
    private let task: Locked<Task<Void, Error>?> = Locked(nil)

    init(useInotify: Bool = true, rescanInterval: Double = 0.3, stabilityDelay: Double = 0.6,
         pipelines: [String] = ["translate", "proofread"]) {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("guichet-watch-\(UUID().uuidString)/Watch")
        var logger = Logger(label: "test.watcher")
        logger.logLevel = .info
        watcher = DropFolderWatcher(
            configuration: WatcherConfiguration(
                root: root, pipelineFolders: pipelines, rescanInterval: rescanInterval,
                stabilityDelay: stabilityDelay, useInotify: useInotify),
            logger: logger)
    }

    func path(_ relative: String) -> String { root.path + "/" + relative }

    /// Starts `run` and waits until the start-up scan is done.
    func start() async throws {
        let watcher = self.watcher, collector = self.collector
        task.withLock { $0 = Task { try await watcher.run { await collector.add($0) } } }
        try await waitUntil("watcher started") { watcher.isWatching }
    }

    /// Cancels `run` and waits (bounded) for it to return.
    func stop(cleanUp: Bool = true) async throws {
        guard let running = task.withLock({ $0 }) else { return }
        running.cancel()
        let finished = Locked(false)
        Task { _ = try? await running.value; finished.withLock { $0 = true } }
        try await waitUntil("run returned after cancel") { finished.withLock { $0 } }
        if cleanUp { removeFiles() }
    }

    func removeFiles() {
        try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }

    var files: [ReadyFile] { get async { await collector.files } }
}

struct TimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` every 20 ms until it holds; throws after `timeout` seconds.
func waitUntil(_ what: String, timeout: Double = 10,
               _ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TimedOut(description: "timed out waiting for: \(what)")
}

/// Sleeps long enough for several rescans and stability checks to have happened.
func settle(_ seconds: Double = 2) async throws {
    try await Task.sleep(for: .seconds(seconds))
}

/// Writes a file with raw POSIX calls (the path bytes are used untouched).
func writeRaw(_ path: String, _ text: String = "hello") throws {
    let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
}

func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}
