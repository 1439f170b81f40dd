import Foundation

/// Settings of a ``DropFolderWatcher``.
///
/// Only the listed pipeline folders directly under ``root`` are watched (recursively).
/// Times are in seconds.
public struct WatcherConfiguration: Sendable {
    /// The `Watch` directory that holds one folder per pipeline.
    public var root: URL
    /// Top-level folders of ``root`` to watch, e.g. `["translate", "proofread"]`.
    /// Missing folders are created when the watcher starts (and again on a rescan).
    public var pipelineFolders: [String]
    /// Seconds between two full rescans (the only way to see changes made by another
    /// machine on an SMB/NFS share). Default 10 s.
    public var rescanInterval: Double
    /// A file found by a scan (not by inotify) is ready only when its size and mtime were
    /// unchanged across two observations at least this many seconds apart. Default 2 s.
    public var stabilityDelay: Double
    /// Use inotify for immediate detection of local writes. When `false` only scans are
    /// used, which is how a network share behaves. Default `true`.
    public var useInotify: Bool

    /// Creates a configuration.
    public init(
        root: URL,
        pipelineFolders: [String],
        rescanInterval: Double = 10,
        stabilityDelay: Double = 2,
        useInotify: Bool = true
    ) {
        self.root = root
        self.pipelineFolders = pipelineFolders
        self.rescanInterval = rescanInterval
        self.stabilityDelay = stabilityDelay
        self.useInotify = useInotify
    }

    /// Rescan interval as a `Duration`, never below 10 ms.
    var rescanDuration: Duration { .seconds(max(0.01, rescanInterval)) }
    /// Stability delay as a `Duration`, never negative.
    var stabilityDuration: Duration { .seconds(max(0, stabilityDelay)) }
    /// A file created under inotify (IN_CREATE) but never closed after writing is only
    /// taken by a scan after it has been stable for this long (covers hard links, which
    /// produce no IN_CLOSE_WRITE, without reporting slow local writers that pause).
    var openForWriteGrace: Duration { max(stabilityDuration, .seconds(60)) }
    /// Granularity of the internal clock that decides when a scan is due.
    var tickDuration: Duration {
        let base = min(max(0.01, rescanInterval), max(0.01, stabilityDelay))
        return .seconds(min(1.0, max(0.02, base / 4)))
    }
}

/// Errors thrown by ``DropFolderWatcher/run(onReady:)``.
public enum WatcherError: Error, Sendable, Equatable {
    /// `run` was called while another `run` of the same watcher is active.
    case alreadyRunning
    /// The root directory does not exist and could not be created.
    case rootUnavailable(path: String, reason: String)
}
