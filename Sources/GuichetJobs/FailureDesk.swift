import Foundation
import GuichetCore
import Logging

/// Hands a file that cannot be processed back to the person who dropped it: the original goes
/// to `Watch/<pipeline>/_failed/` untouched, with `<name>.error.txt` saying what went wrong and
/// what to do, and the job is recorded as failed.
public struct FailureDesk: Sendable {
    let layout: StateLayout
    let store: any JobStore
    let logger: Logger

    public init(layout: StateLayout, store: any JobStore, logger: Logger) {
        self.layout = layout
        self.store = store
        self.logger = logger
    }

    /// A file refused at intake, before any job existed: moved to `_failed/` with its note,
    /// and recorded as a failed job so that status and the audit trail show it.
    func refuse(_ file: DroppedFile, pipeline: PipelineDefinition, error: GuichetError) async {
        var job = Job(
            pipeline: pipeline.name, sourceName: file.url.lastPathComponent,
            sourceRelativePath: (file.subfolders + [file.url.lastPathComponent]).joined(separator: "/"),
            originalPath: "", format: "unknown", state: .failed)
        job.failureCode = error.code.rawValue
        job.failureReason = error.userMessage
        do {
            guard let placed = try FileOperations.moveUnique(file.url, into: layout.failedDir(pipeline), name: file.url.lastPathComponent) else {
                return  // gone before we could move it: nothing to hand back
            }
            try writeNote(for: error, beside: placed, pipeline: pipeline, jobID: job.id)
            try await store.insert(job, audit: AuditEntry(
                jobID: job.id, actor: AuditEntry.machineActor, action: .failed,
                detail: "\(error.code): \(error.message)"))
            logger.warning("file refused", metadata: [
                "guichet.job.id": "\(job.id)", "guichet.pipeline": "\(pipeline.name)",
                "guichet.error.code": "\(error.code)", "guichet.error": "\(error.message)",
            ])
        } catch {
            logger.error("could not hand a refused file back", metadata: ["guichet.error": "\(error)"])
        }
    }

    /// A job that cannot be completed: recorded as failed, then its original handed back.
    public func fail(_ job: Job, pipeline: PipelineDefinition, error: GuichetError) async throws {
        let failed = try await store.transition(
            job.id, from: [.queued, .processing], to: .failed,
            audit: AuditEntry(jobID: job.id, actor: AuditEntry.machineActor, action: .failed,
                              model: job.model, promptVersion: job.promptVersion,
                              promptTokens: job.promptTokens, completionTokens: job.completionTokens,
                              detail: "\(error.code): \(error.message)")
        ) {
            $0.failureCode = error.code.rawValue
            $0.failureReason = error.userMessage
        }
        logger.warning("job failed", metadata: [
            "guichet.job.id": "\(job.id)", "guichet.pipeline": "\(pipeline.name)",
            "guichet.error.code": "\(error.code)", "guichet.error": "\(error.message)",
        ])
        try handBack(failed, pipeline: pipeline)
    }

    /// Moves a failed job's original (if still in the state dir) to `_failed/` with its note.
    /// Safe to call again after a crash.
    public func handBack(_ job: Job, pipeline: PipelineDefinition) throws {
        guard !job.originalPath.isEmpty else { return }
        let original = try layout.stateFile(job.originalPath)
        var st = stat()
        guard lstat(original.path, &st) == 0 else { return }
        guard let placed = try FileOperations.moveUnique(original, into: layout.failedDir(pipeline), name: job.sourceName) else { return }
        let error = GuichetError(.init(rawValue: job.failureCode ?? "internal"), job.failureReason ?? "",
                                 userMessage: job.failureReason ?? "Erreur inconnue.")
        try writeNote(for: error, beside: placed, pipeline: pipeline, jobID: job.id)
    }

    func writeNote(for error: GuichetError, beside file: URL, pipeline: PipelineDefinition, jobID: JobID?) throws {
        let note = UserMessages.note(for: error, fileName: file.lastPathComponent, pipeline: pipeline.folder, jobID: jobID)
        let url = file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".error.txt")
        try FileOperations.writeReplacing(Data(note.utf8), to: url)
    }
}
