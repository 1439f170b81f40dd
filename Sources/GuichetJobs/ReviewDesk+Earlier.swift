import Foundation
import GuichetCore

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
