import Foundation
import GuichetConfig
import GuichetCore
import Logging

/// Puts the state directory and the store back in agreement after a crash, at start-up.
///
/// Each step of intake, failure and publication leaves a trace on disk before the database
/// knows; this is where those traces become jobs again, so that nothing is lost.
public struct Recovery: Sendable {
    let configuration: GuichetConfiguration
    let layout: StateLayout
    let store: any JobStore
    let logger: Logger
    let stamp: (any PublicationStamp)?

    public init(configuration: GuichetConfiguration, layout: StateLayout, store: any JobStore, logger: Logger,
                stamp: (any PublicationStamp)? = nil) {
        self.configuration = configuration
        self.layout = layout
        self.store = store
        self.logger = logger
        self.stamp = stamp
    }

    public struct Report: Sendable, Equatable {
        public var requeued = 0
        public var adopted = 0
        public var discarded = 0
        public var handedBack = 0
        public var published = 0
        /// Temporary files of publications a crash cut short, removed from `Output/`.
        public var temporariesRemoved = 0
    }

    public func run() async throws -> Report {
        var report = Report()
        report.requeued = try await store.requeueInterrupted()
        try await adoptOrphans(&report)
        for job in try await store.jobs(matching: JobFilter(states: [.failed])) where !job.originalPath.isEmpty {
            guard let p = configuration.pipeline(named: job.pipeline) else { continue }
            let url = try layout.stateFile(job.originalPath)
            if FileManager.default.fileExists(atPath: url.path) || FileOperations.isSymlink(url) {
                try FailureDesk(layout: layout, store: store, logger: logger).handBack(job, pipeline: p)
                report.handedBack += 1
            }
        }
        report.temporariesRemoved = removeTemporaries()
        // One that cannot be published now (a full output disk) waits; the daemon retries.
        report.published = try await ReviewDesk(configuration: configuration, layout: layout, store: store, logger: logger, stamp: stamp).publishPending().published
        if report != Report() {
            logger.notice("recovered after an interruption", metadata: [
                "guichet.recovery.requeued": "\(report.requeued)", "guichet.recovery.adopted": "\(report.adopted)",
                "guichet.recovery.discarded": "\(report.discarded)", "guichet.recovery.handed_back": "\(report.handedBack)",
                "guichet.recovery.published": "\(report.published)",
                "guichet.recovery.temporaries_removed": "\(report.temporariesRemoved)",
            ])
        }
        return report
    }

    /// `.name.<UUID>.tmp` files that `FileOperations.writeUnique` leaves in an output folder
    /// only when the process dies between writing and linking: nobody else names files so.
    func removeTemporaries() -> Int {
        var removed = 0
        for p in configuration.pipelines {
            let dir = layout.outputDir(p)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where FileOperations.isPublicationTemporary(name) {
                if (try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))) != nil { removed += 1 }
            }
        }
        return removed
    }

    private func adoptOrphans(_ report: inout Report) async throws {
        let fm = FileManager.default
        guard let dirs = try? fm.contentsOfDirectory(atPath: layout.jobsDir.path) else { return }
        for name in dirs where JobID.isWellFormed(name) {
            let dir = layout.jobsDir.appendingPathComponent(name, isDirectory: true)
            let id = JobID(rawValue: name)
            if try await store.job(id) != nil { continue }
            guard let record = try? IntakeRecord.read(from: dir) else {
                // Crashed before intake.json was complete: the original never moved.
                try? fm.removeItem(at: dir)
                report.discarded += 1
                continue
            }
            let original = try layout.stateFile(record.job.originalPath)
            if fm.fileExists(atPath: original.path) || FileOperations.isSymlink(original) {
                var job = record.job
                job.state = .queued
                try await store.insert(job, audit: AuditEntry(
                    jobID: job.id, actor: AuditEntry.machineActor, action: .received,
                    detail: "recovered after an interruption during intake"))
                report.adopted += 1
            } else {
                try? fm.removeItem(at: dir)
                report.discarded += 1
            }
        }
    }
}
