import Foundation
import GuichetConfig
import GuichetCore

/// Where everything lives on disk. Every path Guichet writes is computed here from the
/// configuration and a job's stored fields, never from a request parameter or a typed ID.
public struct StateLayout: Sendable, Equatable {
    public let watchDir: URL
    public let outputDir: URL
    public let stateDir: URL

    public init(watchDir: URL, outputDir: URL, stateDir: URL) {
        self.watchDir = watchDir.standardizedFileURL
        self.outputDir = outputDir.standardizedFileURL
        self.stateDir = stateDir.standardizedFileURL
    }

    /// Relative paths in the configuration are taken from the working directory.
    public init(_ c: GuichetConfiguration, workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        func resolve(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p) : workingDirectory.appendingPathComponent(p)
        }
        self.init(watchDir: resolve(c.watchDir), outputDir: resolve(c.outputDir), stateDir: resolve(c.stateDir))
    }

    public var databasePath: String { stateDir.appendingPathComponent("guichet.sqlite").path }
    public var lockPath: String { stateDir.appendingPathComponent("daemon.lock").path }
    public var jobsDir: URL { stateDir.appendingPathComponent("jobs", isDirectory: true) }

    public func jobDir(_ id: JobID) -> URL { jobsDir.appendingPathComponent(id.rawValue, isDirectory: true) }

    /// A path stored in a job (relative to the state dir) made absolute. Stored paths were
    /// written by Guichet itself; `..` is refused all the same.
    public func stateFile(_ relative: String) throws -> URL {
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
            throw GuichetError(.internalError, "refusing stored path outside the state directory")
        }
        return stateDir.appendingPathComponent(relative)
    }

    public func relativeToState(_ url: URL) -> String {
        let base = stateDir.path.hasSuffix("/") ? stateDir.path : stateDir.path + "/"
        let p = url.standardizedFileURL.path
        return p.hasPrefix(base) ? String(p.dropFirst(base.count)) : p
    }

    public func pipelineWatchDir(_ p: PipelineDefinition) -> URL {
        watchDir.appendingPathComponent(p.folder, isDirectory: true)
    }

    public func failedDir(_ p: PipelineDefinition) -> URL {
        pipelineWatchDir(p).appendingPathComponent("_failed", isDirectory: true)
    }

    public func outputDir(_ p: PipelineDefinition) -> URL {
        outputDir.appendingPathComponent(p.folder, isDirectory: true)
    }

    /// Creates every directory the daemon needs (pipeline folders are kept for agents to see).
    public func createDirectories(for pipelines: [PipelineDefinition]) throws {
        let fm = FileManager.default
        for d in [watchDir, outputDir, stateDir, jobsDir] {
            try fm.createDirectory(at: d, withIntermediateDirectories: true)
        }
        for p in pipelines {
            try fm.createDirectory(at: pipelineWatchDir(p), withIntermediateDirectories: true)
            try fm.createDirectory(at: outputDir(p), withIntermediateDirectories: true)
        }
    }
}
