import Foundation

/// A file dropped into a pipeline folder that is complete and can be processed.
public struct ReadyFile: Sendable, Equatable {
    /// How the file was found.
    public enum Source: String, Sendable, Equatable {
        /// An inotify event (IN_CLOSE_WRITE, IN_MOVED_TO, or creation of a symlink).
        case inotify
        /// A directory scan followed by a stability check.
        case scan
    }

    /// Location of the file (raw path, not normalised, symlinks not resolved).
    public var url: URL
    /// Name of the pipeline folder (first component under the `Watch` root).
    public var pipelineFolder: String
    /// Path components between the pipeline folder and the file, e.g. `["en"]`.
    public var subfolders: [String]
    /// Size from `lstat` (for a symlink: the length of the link itself).
    public var size: Int64
    /// Modification date from `lstat`.
    public var modificationDate: Date
    /// `true` when the entry is a symbolic link. The link is never followed: the consumer
    /// should reject it with an explanation.
    public var isSymlink: Bool
    /// How the file was detected.
    public var detectedBy: Source
    /// When the watcher decided the file was ready (for latency measurement).
    public var detectedAt: Date

    /// Creates a value (mostly for tests).
    public init(
        url: URL, pipelineFolder: String, subfolders: [String], size: Int64,
        modificationDate: Date, isSymlink: Bool, detectedBy: Source, detectedAt: Date
    ) {
        self.url = url
        self.pipelineFolder = pipelineFolder
        self.subfolders = subfolders
        self.size = size
        self.modificationDate = modificationDate
        self.isSymlink = isSymlink
        self.detectedBy = detectedBy
        self.detectedAt = detectedAt
    }
}
