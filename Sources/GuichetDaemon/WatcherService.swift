import Foundation
import GuichetConfig
import GuichetJobs
import GuichetWatcher
import Logging
import ServiceLifecycle

/// Watches the drop folders and hands each finished file to intake.
public struct WatcherService: Service, CustomStringConvertible {
    public var description: String { "WatcherService" }

    let configuration: GuichetConfiguration
    let layout: StateLayout
    let intake: Intake
    let logger: Logger
    /// Told while the watcher runs, for `/healthz`.
    var board: HealthBoard?

    public init(configuration: GuichetConfiguration, layout: StateLayout, intake: Intake, logger: Logger) {
        self.configuration = configuration
        self.layout = layout
        self.intake = intake
        self.logger = logger
    }

    public func run() async throws {
        var wc = WatcherConfiguration(root: layout.watchDir, pipelineFolders: configuration.pipelines.map(\.folder))
        wc.rescanInterval = configuration.watcher.rescanInterval
        wc.stabilityDelay = configuration.watcher.stabilityDelay
        wc.useInotify = configuration.watcher.useInotify
        let watcher = DropFolderWatcher(configuration: wc, logger: logger)
        let intake = self.intake
        logger.info("watching drop folders", metadata: ["guichet.watch.root": "\(layout.watchDir.path)"])
        board?.setWatcher(true)
        defer { board?.setWatcher(false) }
        do {
          try await cancelWhenGracefulShutdown {
            try await watcher.run { file in
                let outcome = await intake.take(DroppedFile(
                    url: file.url, pipelineFolder: file.pipelineFolder, subfolders: file.subfolders,
                    isSymlink: file.isSymlink, detectedAt: file.detectedAt))
                // Left where it is: the next rescan offers it again, once space is back.
                if case .deferred = outcome { watcher.forget(file.url) }
            }
          }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }
}
