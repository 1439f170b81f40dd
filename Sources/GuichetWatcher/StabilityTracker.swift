/// Decides when a file seen only by scans has stopped changing.
///
/// A file is stable when two observations at least `requiredDelay` apart saw the same
/// identity (device, inode, size, mtime). Any change restarts the wait.
struct StabilityTracker {
    struct Candidate {
        var identity: FileIdentity
        var since: ContinuousClock.Instant
    }

    private(set) var candidates: [PathKey: Candidate] = [:]

    /// `true` when no file is waiting for its stability check.
    var isEmpty: Bool { candidates.isEmpty }

    /// Records an observation; returns `true` when the file is stable.
    mutating func observe(
        _ key: PathKey, identity: FileIdentity, at now: ContinuousClock.Instant,
        requiredDelay: Duration
    ) -> Bool {
        if let candidate = candidates[key], candidate.identity == identity {
            return now - candidate.since >= requiredDelay
        }
        candidates[key] = Candidate(identity: identity, since: now)
        return false
    }

    /// Stops tracking one path.
    mutating func remove(_ key: PathKey) {
        candidates[key] = nil
    }

    /// Stops tracking every path at or under `directory`.
    mutating func removeAll(within directory: PathKey) {
        candidates = candidates.filter { !$0.key.isWithin(directory) }
    }

    /// Keeps only the paths seen by the last full scan.
    mutating func retain(_ seen: Set<PathKey>) {
        candidates = candidates.filter { seen.contains($0.key) }
    }
}

/// The files already reported, so that none is reported twice.
///
/// An entry is dropped only when the file has left its path (inotify delete/move, or a
/// rescan finds nothing there), or on an explicit `forget`. A different file that appears
/// at the same path (new inode, size or mtime) is a new drop.
struct ReportedRegistry: Sendable {
    private(set) var entries: [PathKey: Entry] = [:]

    struct Entry: Sendable {
        var path: String
        var identity: FileIdentity
    }

    func contains(_ key: PathKey, identity: FileIdentity) -> Bool {
        entries[key]?.identity == identity
    }

    mutating func insert(_ key: PathKey, path: String, identity: FileIdentity) {
        entries[key] = Entry(path: path, identity: identity)
    }

    @discardableResult
    mutating func remove(_ key: PathKey) -> Bool {
        entries.removeValue(forKey: key) != nil
    }

    mutating func removeAll(within directory: PathKey) {
        entries = entries.filter { !$0.key.isWithin(directory) }
    }

    /// Paths to check for disappearance during a full rescan.
    var paths: [String] { entries.values.map(\.path) }
}
