import Foundation
import GuichetCore

/// Files derived from an edited result (the DOCX rebuilt from corrected Markdown), supplied
/// by the pipelines module, which knows how each result was written.
public protocol ResultDeriver: Sendable {
    /// New content for the other result files once `editedName` has `text`; empty when none
    /// derive from it.
    func derivedFiles(job: Job, editedName: String, text: String, otherFiles: [URL]) throws -> [String: Data]
}

extension ReviewDesk {
    /// The files of a job's result (the primary one first), as they wait for review.
    public func resultFiles(of job: Job) -> [URL] {
        guard let rel = job.resultPath, let primary = try? layout.stateFile(rel) else { return [] }
        let dir = primary.deletingLastPathComponent()
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { !$0.hasPrefix(".") && $0 != primary.lastPathComponent }.sorted()
        return [primary] + others.map { dir.appendingPathComponent($0) }
    }

    /// An approver's correction of a result before deciding: `newFiles` maps result file names
    /// (existing ones only) to their new content, for example the edited Markdown and the DOCX
    /// rebuilt from it. The machine's version is kept aside in the job's `machine/` folder the
    /// first time, so nothing is lost, and the edit goes into the audit trail.
    @discardableResult
    public func replaceResult(_ id: JobID, by approver: String, files newFiles: [String: Data], note: String) async throws -> Job {
        let name = try Self.validName(approver)
        // An approval waits until every file of the edit is written, and one that came first
        // makes the edit refused below: what is published is always one whole version.
        let lock = try await lockJob(id)
        defer { withExtendedLifetime(lock) {} }
        let job = try await existing(id)
        guard job.state == .awaitingReview else {
            throw GuichetError(.conflict, "job \(id) is not awaiting review", userMessage: "Ce document n'attend plus de validation.")
        }
        let files = resultFiles(of: job)
        let byName = Dictionary(uniqueKeysWithValues: files.map { ($0.lastPathComponent, $0) })
        guard !newFiles.isEmpty, newFiles.keys.allSatisfy({ byName[$0] != nil }) else {
            throw GuichetError(.notFound, "only existing result files of job \(id) can be replaced")
        }
        let machine = layout.jobDir(id).appendingPathComponent("machine", isDirectory: true)
        if !FileManager.default.fileExists(atPath: machine.path) {
            let staging = layout.jobDir(id).appendingPathComponent(".machine-staging", isDirectory: true)
            try? FileManager.default.removeItem(at: staging)
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            for f in files { try FileManager.default.copyItem(at: f, to: staging.appendingPathComponent(f.lastPathComponent)) }
            try FileManager.default.moveItem(at: staging, to: machine)
        }
        for (fileName, data) in newFiles.sorted(by: { $0.key < $1.key }) {
            try FileOperations.writeReplacing(data, to: byName[fileName]!)
        }
        let updated = try await store.update(id) { j in
            j.flags.append("Résultat corrigé par \(name) avant décision.")
        }
        try await store.appendAudit(AuditEntry(jobID: id, actor: name, action: .edited,
                                               detail: "\(note): \(newFiles.keys.sorted().joined(separator: ", "))"))
        logger.info("result edited", metadata: ["guichet.job.id": "\(id)", "guichet.approver": "\(name)"])
        return updated
    }
}
