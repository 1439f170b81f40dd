import Foundation

/// A file found in a drop folder, as the watcher (or `guichet submit`) hands it over.
public struct DroppedFile: Sendable, Equatable {
    public var url: URL
    /// The top-level folder under the watch directory (the pipeline's folder).
    public var pipelineFolder: String
    /// Folders between the pipeline folder and the file (`["en"]`).
    public var subfolders: [String]
    public var isSymlink: Bool
    /// When the file was noticed, for the close-to-queued latency.
    public var detectedAt: Date

    public init(url: URL, pipelineFolder: String, subfolders: [String] = [], isSymlink: Bool = false, detectedAt: Date = Date()) {
        self.url = url
        self.pipelineFolder = pipelineFolder
        self.subfolders = subfolders
        self.isSymlink = isSymlink
        self.detectedAt = detectedAt
    }
}
