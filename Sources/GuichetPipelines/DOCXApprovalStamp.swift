import Foundation
import GuichetCore
import GuichetDOCXText
import GuichetJobs

/// Marks an approved DOCX as such in its properties (a transparency mark): produced with
/// Guichet's help, approved by whom and when. Other files are published as they are.
public struct DOCXApprovalStamp: PublicationStamp {
    public init() {}

    public func stamp(_ data: Data, name: String, job: Job) throws -> Data {
        guard name.lowercased().hasSuffix(".docx") else { return data }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-stamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("result.docx")
        try data.write(to: url)
        let approver = job.decidedBy ?? "?"
        let date = ISO8601DateFormatter().string(from: job.decidedAt ?? Date())
        do {
            let doc = try DOCXTextDocument.load(url: url)
            doc.setProperties(
                title: nil,
                description: "Produit avec l'aide de Guichet (traitement « \(job.pipeline) », modèle \(job.model ?? "?")) à partir de « \(job.sourceName) » ; approuvé par \(approver) le \(date).",
                lastModifiedBy: approver, keywords: ["Guichet", job.pipeline, "approuvé"])
            return try doc.rewrite([:]).data
        } catch {
            throw GuichetError(.internalError, "cannot mark the approved DOCX: \(error)")
        }
    }
}
