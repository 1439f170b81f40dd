import Foundation
import GuichetConfig
import GuichetCore
import Logging

/// The one code path for an approver's decisions, whether they come from the CLI or the web
/// page: approve (and publish to `Output/<pipeline>/`), reject, and the audit trail.
public struct ReviewDesk: Sendable {
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

    /// Approves a result awaiting review and publishes it. Returns the job with its output path.
    @discardableResult
    public func approve(_ id: JobID, by approver: String, comment: String?) async throws -> Job {
        let name = try Self.validName(approver)
        // Held until the result is out, so an edit cannot change the files while they are published.
        let lock = try await lockJob(id)
        defer { withExtendedLifetime(lock) {} }
        let current = try await existing(id)
        let approved = try await store.transition(
            id, from: [.awaitingReview], to: .approved,
            audit: AuditEntry(jobID: id, actor: name, action: .approved, model: current.model,
                              promptVersion: current.promptVersion, promptTokens: current.promptTokens,
                              completionTokens: current.completionTokens, detail: comment)
        ) {
            $0.decidedBy = name
            $0.decidedAt = Date()
            $0.decisionComment = comment
        }
        logger.info("result approved", metadata: ["guichet.job.id": "\(id)", "guichet.pipeline": "\(approved.pipeline)", "guichet.approver": "\(name)"])
        do {
            return try await publishLocked(approved)
        } catch {
            // The decision stands (recorded above); only the delivery waits.
            let cause = (error as? GuichetError)?.message ?? "\(error)"
            logger.warning("result approved but not published yet", metadata: ["guichet.job.id": "\(id)", "guichet.error": "\(cause)"])
            throw GuichetError(.publicationPending, "approved, but not published yet: \(cause); the daemon publishes it as soon as the output folder takes it",
                               userMessage: "Validé, mais pas encore déposé dans le dossier de sortie (\((error as? GuichetError)?.userMessage ?? cause)). Il le sera automatiquement.")
        }
    }

    /// Rejects a result awaiting review; a reason is required.
    @discardableResult
    public func reject(_ id: JobID, by approver: String, reason: String) async throws -> Job {
        let name = try Self.validName(approver)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw GuichetError(.configuration, "a reason is required to reject", userMessage: "Indiquez la raison du refus.")
        }
        let lock = try await lockJob(id)
        defer { withExtendedLifetime(lock) {} }
        let current = try await existing(id)
        let job = try await store.transition(
            id, from: [.awaitingReview], to: .rejected,
            audit: AuditEntry(jobID: id, actor: name, action: .rejected, model: current.model,
                              promptVersion: current.promptVersion, promptTokens: current.promptTokens,
                              completionTokens: current.completionTokens, detail: reason)
        ) {
            $0.decidedBy = name
            $0.decidedAt = Date()
            $0.decisionComment = reason
        }
        logger.info("result rejected", metadata: ["guichet.job.id": "\(id)", "guichet.pipeline": "\(job.pipeline)", "guichet.approver": "\(name)"])
        return job
    }

    /// Sends a result back for a new run with an instruction for the model ("keep the term
    /// 'délibération'"): the job is queued again, its earlier answers dropped.
    @discardableResult
    public func rerun(_ id: JobID, by approver: String, instruction: String) async throws -> Job {
        let name = try Self.validName(approver)
        let instruction = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !instruction.isEmpty, instruction.count <= 2_000 else {
            throw GuichetError(.configuration, "an instruction of 1 to 2000 characters is required",
                               userMessage: "Indiquez la consigne à donner au modèle.")
        }
        let lock = try await lockJob(id)
        defer { withExtendedLifetime(lock) {} }
        let current = try await existing(id)
        guard current.state == .awaitingReview else {
            throw GuichetError(.conflict, "job \(id) is not awaiting review", userMessage: "Ce document n'attend plus de validation.")
        }
        // The new run replaces the result: the one the approver sent back is kept, numbered.
        // A copy (not a move), so a crash before the state changes leaves the item whole.
        let kept = try keepEarlierResult(of: current)
        let job = try await store.transition(
            id, from: [.awaitingReview], to: .queued,
            audit: AuditEntry(jobID: id, actor: name, action: .requeued,
                              detail: "re-run with instruction: \(instruction)" + (kept.map { "; earlier result kept as version \($0)" } ?? ""))
        ) {
            $0.options["instruction"] = instruction
            $0.notBefore = nil
            $0.flags = []
        }
        try await store.deleteChunks(of: id, stage: nil)
        logger.info("result sent back for a new run", metadata: ["guichet.job.id": "\(id)", "guichet.approver": "\(name)"])
        return job
    }

    /// Writes an approved job's result to `Output/<pipeline>/`, never overwriting a file
    /// there. Idempotent: a job already published is returned as it is. Decisions, edits and
    /// publication of one job are serialised by its ``PublicationLock``, across processes.
    public func publish(_ job: Job) async throws -> Job {
        guard job.state == .approved else {
            throw GuichetError(.conflict, "job \(job.id) is not approved")
        }
        if job.outputPath != nil { return job }
        let lock = try await PublicationLock.acquire(jobDir: layout.jobDir(job.id))
        defer { withExtendedLifetime(lock) {} }
        // Whoever held the lock before us may have published it already.
        guard let job = try await store.job(job.id) else { throw GuichetError(.notFound, "no job \(job.id)") }
        return try await publishLocked(job)
    }

    /// ``publish(_:)`` once the job's lock is held (an flock is per open file, so taking it
    /// again in the same process would wait for itself).
    func publishLocked(_ job: Job) async throws -> Job {
        if job.outputPath != nil { return job }
        guard let pipeline = configuration.pipeline(named: job.pipeline) else {
            throw GuichetError(.unknownPipeline, "pipeline '\(job.pipeline)' is no longer configured")
        }
        guard let resultPath = job.resultPath else {
            throw GuichetError(.notFound, "job \(job.id) has no result")
        }
        _ = try layout.stateFile(resultPath)
        // Every format of the result is published (say rapport.en.md and rapport.en.docx),
        // the primary one first.
        var published: [String] = []
        var written: [URL] = []
        do {
            for file in resultFiles(of: job) {
                let name = file.lastPathComponent
                var data = try Data(contentsOf: file)
                if let stamp { data = try stamp.stamp(data, name: name, job: job) }
                let url = try FileOperations.writeUnique(data, in: layout.outputDir(pipeline), name: name)
                written.append(url)
                published.append("\(pipeline.folder)/\(url.lastPathComponent)")
            }
        } catch {
            // All of the result or none of it: the files of this attempt go, so the next one
            // (the daemon retries) does not publish them a second time as "(2)".
            // Logged by the caller: once when approving, once per change by the daemon's retries.
            for url in written { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        let relative = published[0]
        let done = try await store.update(job.id) { $0.outputPath = relative }
        try await store.appendAudit(AuditEntry(jobID: job.id, actor: AuditEntry.machineActor, action: .published, detail: published.joined(separator: ", ")))
        logger.info("result published", metadata: ["guichet.job.id": "\(job.id)", "guichet.output": "\(relative)"])
        return done
    }

    /// Publishes approved jobs whose publication was interrupted (a crash between the decision
    /// and the write) or failed (a full or unreachable output folder). Returns how many were
    /// published and how many still wait; one that fails does not hold the others back.
    @discardableResult
    public func publishPending() async throws -> (published: Int, waiting: Int) {
        var n = 0, waiting = 0
        for job in try await store.jobs(matching: .awaitingPublication) where job.outputPath == nil {
            do {
                _ = try await publish(job)
                n += 1
            } catch {
                waiting += 1
            }
        }
        return (n, waiting)
    }

    /// The job's lock, once the job is known to exist (the lock file lives in its folder).
    func lockJob(_ id: JobID) async throws -> PublicationLock {
        _ = try await existing(id)
        return try await PublicationLock.acquire(jobDir: layout.jobDir(id))
    }

    func existing(_ id: JobID) async throws -> Job {
        guard let job = try await store.job(id) else {
            throw GuichetError(.notFound, "no job \(id)", userMessage: "Aucun document \(id).")
        }
        return job
    }

    /// Approver names go into the audit trail and document properties: printable, short.
    static func validName(_ s: String) throws -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty, t.count <= 100, !t.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw GuichetError(.configuration, "approver name must be 1–100 printable characters")
        }
        return t
    }
}
