import Foundation
import GuichetCore

/// Written in a job's directory before its original is moved in: enough to rebuild the job
/// row if the daemon dies between the move and the database insert.
struct IntakeRecord: Codable, Sendable {
    var job: Job

    static let fileName = "intake.json"

    func write(to dir: URL) throws {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .iso8601
        try FileOperations.writeReplacing(try enc.encode(self), to: dir.appendingPathComponent(Self.fileName))
    }

    static func read(from dir: URL) throws -> IntakeRecord {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .iso8601
        return try dec.decode(IntakeRecord.self, from: Data(contentsOf: dir.appendingPathComponent(fileName)))
    }
}
