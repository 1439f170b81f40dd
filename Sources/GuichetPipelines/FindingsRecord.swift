import Foundation
import GuichetJobs

/// The findings of a job as data, kept beside its result for the review page (which shows
/// each quote with its verification mark and in its context).
public struct FindingsRecord: Codable, Sendable, Equatable {
    public struct Citation: Codable, Sendable, Equatable {
        public var quote: String
        public var verified: Bool
        public var page: Int?
        public var heading: String?
    }

    public var category: String
    public var statement: String
    public var citations: [Citation]

    static let fileName = "findings.json"

    /// The findings stored for a job (empty when the pipeline records none).
    public static func stored(inJobDir dir: URL) -> [FindingsRecord] {
        guard let data = try? Data(contentsOf: dir.appendingPathComponent(fileName)) else { return [] }
        return (try? JSONDecoder().decode([FindingsRecord].self, from: data)) ?? []
    }

    static func write(_ report: FindingsReport, inJobDir dir: URL) throws {
        let records = report.all.map { f in
            FindingsRecord(category: report.pipeline.categories.first { $0.id == f.category }.map { $0.labels[report.language] ?? $0.labels["en"] ?? $0.id } ?? f.category,
                           statement: f.statement,
                           citations: f.citations.map { Citation(quote: $0.quote, verified: $0.verified, page: $0.location?.page, heading: $0.location?.heading) })
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileOperations.writeReplacing(try enc.encode(records), to: dir.appendingPathComponent(fileName))
    }
}
