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

extension ReviewDesk {
    /// Folder of the results a job had before each re-run: `earlier/1/`, `earlier/2/`…
    public func earlierDir(of id: JobID) -> URL {
        layout.jobDir(id).appendingPathComponent("earlier", isDirectory: true)
    }

    /// The results sent back for a new run, oldest first: each version's files, sorted.
    public func earlierResults(of id: JobID) -> [(version: Int, files: [URL])] {
        let root = earlierDir(of: id)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init).sorted()
        return versions.map { v in
            let dir = root.appendingPathComponent("\(v)", isDirectory: true)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            return (v, names.map { dir.appendingPathComponent($0) })
        }
    }

    /// Copies the result files of `job` to the next `earlier/<n>/` (staged, then renamed into
    /// place, so a version is whole or absent). Returns `n`, or nil when there was no result.
    func keepEarlierResult(of job: Job) throws -> Int? {
        let files = resultFiles(of: job)
        guard !files.isEmpty else { return nil }
        let root = earlierDir(of: job.id)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let next = (earlierResults(of: job.id).last?.version ?? 0) + 1
        let staging = root.appendingPathComponent(".staging-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            for f in files { try FileManager.default.copyItem(at: f, to: staging.appendingPathComponent(f.lastPathComponent)) }
            try FileManager.default.moveItem(at: staging, to: root.appendingPathComponent("\(next)", isDirectory: true))
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        return next
    }
}
