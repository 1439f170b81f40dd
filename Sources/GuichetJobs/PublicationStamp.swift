import Foundation
import GuichetCore

/// A last touch to a result file at the moment it is published, once a person approved it
/// (for example the "approved by" mark in a DOCX's properties). Injected into ``ReviewDesk``.
public protocol PublicationStamp: Sendable {
    /// The bytes to publish for the file `name` of `job` (already approved, with `decidedBy`).
    func stamp(_ data: Data, name: String, job: Job) throws -> Data
}
