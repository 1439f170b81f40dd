import Foundation

/// A job's identifier: ten characters of Crockford base32, short enough to type in
/// `guichet review approve ID`, random enough for several nodes to create jobs without a
/// central counter (the PostgreSQL store that comes later must not need a sequence).
public struct JobID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    Comparable
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// A new random identifier.
    public static func generate() -> JobID {
        var rng = SystemRandomNumberGenerator()
        let chars = (0..<10).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] }
        return JobID(rawValue: String(chars))
    }

    /// Whether a string can be a job identifier (used before it reaches the file system, so
    /// that no user-typed ID ever becomes a path).
    public static func isWellFormed(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 32 && s.allSatisfy { alphabet.contains($0) }
    }

    public var description: String { rawValue }
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }
}
