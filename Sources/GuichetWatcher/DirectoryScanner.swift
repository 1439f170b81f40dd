@preconcurrency import Glibc
import Foundation

/// A reportable entry (regular file or symlink) found by a scan.
struct ScannedFile: Sendable {
    var directory: WatchedDirectory
    var name: String
    var status: FileStatus

    var path: String { directory.path + "/" + name }
}

/// What one scan found. Built on the scan queue, applied by the watcher's loop.
struct ScanResult: Sendable {
    /// Reportable entries, not yet filtered by stability or the reported set.
    var files: [ScannedFile] = []
    /// Directories visited, with the inotify watch added for each (if any).
    var directories: [(directory: WatchedDirectory, watch: Int32?)] = []
    /// Reported paths that no longer exist (full scans only).
    var gonePaths: [String] = []
    /// Problems met (path, reason), logged by the caller.
    var problems: [(path: String, reason: String)] = []
    /// `true` when the walk was cut short by cancellation.
    var cancelled = false
}

/// What to scan.
enum ScanRequest: Sendable {
    /// Full scan: every pipeline folder (created when missing) and a check of reported paths.
    case full(root: String, pipelines: [String], reportedPaths: [String])
    /// Partial scan: a directory that just appeared (created or moved in).
    case subtree(WatchedDirectory)
}

/// Walks pipeline folders with `opendir`/`readdir`/`lstat` on raw paths.
///
/// Never follows a symlink, never descends into ignored directories (`_failed`, dot
/// folders), skips ignored file names and anything that is not a regular file or a
/// symlink. When an inotify handle is given, each directory is watched *before* it is
/// listed, so a file created during the walk is seen by the event or by the listing.
enum DirectoryScanner {
    static func scan(
        _ request: ScanRequest, inotify: InotifyHandle?, isCancelled: () -> Bool
    ) -> ScanResult {
        var result = ScanResult()
        var stack: [WatchedDirectory] = []
        switch request {
        case .full(let root, let pipelines, let reportedPaths):
            for pipeline in pipelines.reversed() {
                guard !pipeline.isEmpty, pipeline != ".", pipeline != "..", !pipeline.contains("/") else {
                    result.problems.append((root + "/" + pipeline, "invalid pipeline folder name"))
                    continue
                }
                let folder = WatchedDirectory(path: root + "/" + pipeline, pipeline: pipeline, subfolders: [])
                if ensureDirectory(folder.path, result: &result) { stack.append(folder) }
            }
            result.gonePaths = reportedPaths.filter { FileStatus.isGone(path: $0) }
        case .subtree(let directory):
            stack.append(directory)
        }
        while let directory = stack.popLast() {
            if isCancelled() {
                result.cancelled = true
                break
            }
            var watch: Int32?
            if let inotify {
                switch inotify.addWatch(path: directory.path) {
                case .success(let wd): watch = wd
                case .failure(let code):
                    result.problems.append((directory.path, "inotify_add_watch: \(code.description)"))
                }
            }
            result.directories.append((directory, watch))
            list(directory, into: &result, subdirectories: &stack)
        }
        return result
    }

    /// Makes sure a pipeline folder exists and is a real directory (not a symlink).
    private static func ensureDirectory(_ path: String, result: inout ScanResult) -> Bool {
        switch FileStatus.lstat(path: path) {
        case .success(let status) where status.kind == .directory:
            return true
        case .success:
            result.problems.append((path, "pipeline folder is not a directory (symlinks are not followed)"))
            return false
        case .failure(let code) where code.value == ENOENT:
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true)
                return true
            } catch {
                result.problems.append((path, "cannot create pipeline folder: \(error)"))
                return false
            }
        case .failure(let code):
            result.problems.append((path, "lstat: \(code.description)"))
            return false
        }
    }

    /// Lists one directory, appending files to the result and subdirectories to the stack.
    private static func list(
        _ directory: WatchedDirectory, into result: inout ScanResult,
        subdirectories: inout [WatchedDirectory]
    ) {
        guard let stream = opendir(directory.path) else {
            result.problems.append((directory.path, "opendir: \(POSIXErrorCodeValue(errno).description)"))
            return
        }
        defer { closedir(stream) }
        var found: [WatchedDirectory] = []
        while let entry = readdir(stream) {
            let decoded: String? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(validatingCString: $0)
                }
            }
            guard let name = decoded else {
                result.problems.append((directory.path, "skipped a name that is not valid UTF-8"))
                continue
            }
            if name == "." || name == ".." { continue }
            let path = directory.path + "/" + name
            guard case .success(let status) = FileStatus.lstat(path: path) else { continue }
            switch status.kind {
            case .directory:
                if !IgnoreRules.isIgnoredDirectory(name: name) { found.append(directory.child(name)) }
            case .regular, .symlink:
                if !IgnoreRules.isIgnored(fileName: name) {
                    result.files.append(ScannedFile(directory: directory, name: name, status: status))
                }
            case .other:
                continue
            }
        }
        subdirectories.append(contentsOf: found.reversed())
    }
}
