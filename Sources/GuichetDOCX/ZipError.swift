import Foundation

/// Errors from ``ZipReader`` and ``ZipWriter``. Each case says what was refused and why, so a
/// rejected upload can be explained to the user without exposing libzip internals.
public enum ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file exists but is not a zip archive (or is truncated beyond repair).
    case notAZip(path: String, reason: String)
    /// The file could not be opened or created (missing, permissions, already exists...).
    case openFailed(path: String, reason: String)
    /// The archive has more entries than ``ZipLimits/maxEntries``.
    case tooManyEntries(count: Int, limit: Int)
    /// The declared uncompressed sizes add up to more than ``ZipLimits/maxTotalUncompressedSize``.
    case totalSizeTooLarge(size: UInt64, limit: UInt64)
    /// One entry expands more than ``ZipLimits/maxCompressionRatio`` times: a likely zip bomb.
    case compressionRatioTooHigh(name: String, ratio: Double, limit: Double)
    /// The archive's local headers and central directory disagree on an entry in a way that
    /// matters (name, method, sizes, CRC), or entries overlap (see ``ZipStructure``).
    case inconsistent(name: String, reason: String)
    /// An entry name with `..`, an absolute path, a drive letter, a backslash or a NUL byte.
    case unsafeEntryName(String)
    /// No entry with that name.
    case entryNotFound(String)
    /// Reading an entry failed (CRC error, data larger than declared, I/O error...).
    case readFailed(name: String, reason: String)
    /// Adding an entry or writing the archive failed.
    case writeFailed(reason: String)

    public var description: String {
        switch self {
        case let .notAZip(path, reason): return "not a zip archive: \(path) (\(reason))"
        case let .openFailed(path, reason): return "cannot open \(path): \(reason)"
        case let .tooManyEntries(count, limit): return "zip has \(count) entries, limit is \(limit)"
        case let .totalSizeTooLarge(size, limit):
            return "zip expands to \(size) bytes, limit is \(limit)"
        case let .compressionRatioTooHigh(name, ratio, limit):
            return "zip entry \(name) expands \(Int(ratio))×, limit is \(Int(limit))× (zip bomb?)"
        case let .inconsistent(name, reason):
            return "inconsistent zip archive" + (name.isEmpty ? "" : " at entry \(name)") + ": \(reason)"
        case let .unsafeEntryName(name): return "unsafe zip entry name: \(name)"
        case let .entryNotFound(name): return "no zip entry named \(name)"
        case let .readFailed(name, reason): return "cannot read zip entry \(name): \(reason)"
        case let .writeFailed(reason): return "cannot write zip: \(reason)"
        }
    }
}

/// Entry-name checks shared by the reader and the writer: a name is a relative path with `/`
/// separators and no component that could climb out of an extraction directory.
enum ZipEntryName {
    static func isSafe(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix("/") || name.contains("\\") || name.contains("\0") {
            return false
        }
        // "C:foo" or "C:/foo" would be absolute on Windows, where users may extract our files.
        let scalars = Array(name.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return false }
        return !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }
}
