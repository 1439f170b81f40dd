import CZip
import Foundation

/// Limits a ``ZipReader`` enforces before any byte is inflated, so that an uploaded file cannot
/// exhaust memory or disk (zip bombs, millions of tiny entries).
public struct ZipLimits: Sendable, Equatable {
    /// Maximum number of entries in the archive.
    public var maxEntries: Int
    /// Maximum sum of the entries' uncompressed sizes, in bytes.
    public var maxTotalUncompressedSize: UInt64
    /// Maximum uncompressed/compressed ratio of one entry. Deflate tops out near 1032:1 on
    /// zeros; real office XML stays well under 100:1.
    public var maxCompressionRatio: Double
    /// Entries smaller than this are not ratio-checked: tiny files compress erratically and
    /// cannot hurt anyway.
    public var ratioCheckMinimumSize: UInt64

    public init(
        maxEntries: Int = 10_000,
        maxTotalUncompressedSize: UInt64 = 512 << 20,
        maxCompressionRatio: Double = 100,
        ratioCheckMinimumSize: UInt64 = 1 << 20
    ) {
        self.maxEntries = maxEntries
        self.maxTotalUncompressedSize = maxTotalUncompressedSize
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckMinimumSize = ratioCheckMinimumSize
    }

    /// Defaults suited to office documents uploaded by users.
    public static let `default` = ZipLimits()
}

/// One entry of an archive, as declared by its central directory.
public struct ZipEntry: Sendable, Equatable {
    /// Index in the archive (libzip order, which is the order of the central directory).
    public var index: Int
    /// Path inside the archive, UTF-8, `/`-separated; always passed ``ZipEntryName`` checks.
    public var name: String
    /// Declared uncompressed size in bytes.
    public var size: UInt64
    /// Compressed size in bytes.
    public var compressedSize: UInt64
}

/// Read-only access to a zip archive through libzip, with limits checked at open time.
///
/// Not `Sendable`: a libzip handle must not be used from two threads at once. Open one reader
/// per task.
public final class ZipReader {
    private let handle: ZipArchiveHandle
    /// The entries in archive order. Every name is safe and every limit was checked.
    public let entries: [ZipEntry]
    /// The limits this reader was opened with (also applied while inflating).
    public let limits: ZipLimits

    /// Opens `url` read-only and validates the whole central directory against `limits`.
    /// - Throws: ``ZipError`` — `notAZip`, `openFailed`, `tooManyEntries`, `totalSizeTooLarge`,
    ///   `compressionRatioTooHigh` or `unsafeEntryName`.
    public init(url: URL, limits: ZipLimits = .default) throws {
        let path = url.path
        var code: Int32 = 0
        guard let archive = zip_open(path, guichet_zip_open_read, &code) else {
            let reason = ZipErrorText.message(forCode: code)
            if code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS {
                throw ZipError.notAZip(path: path, reason: reason)
            }
            throw ZipError.openFailed(path: path, reason: reason)
        }
        let handle = ZipArchiveHandle(archive)
        self.handle = handle
        self.limits = limits
        self.entries = try Self.validatedEntries(of: handle, limits: limits)
    }

    /// Reads every entry's declared sizes and refuses the archive before inflating anything.
    private static func validatedEntries(of handle: ZipArchiveHandle, limits: ZipLimits) throws -> [ZipEntry] {
        let count = zip_get_num_entries(handle.pointer, 0)
        guard count >= 0 else { throw ZipError.readFailed(name: "", reason: handle.lastError) }
        guard count <= Int64(limits.maxEntries) else {
            throw ZipError.tooManyEntries(count: Int(count), limit: limits.maxEntries)
        }
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(count))
        var total: UInt64 = 0
        for index in 0..<UInt64(count) {
            var stat = zip_stat_t()
            zip_stat_init(&stat)
            guard zip_stat_index(handle.pointer, index, 0, &stat) == 0,
                  stat.valid & guichet_zip_stat_size_valid == guichet_zip_stat_size_valid,
                  let cName = stat.name
            else { throw ZipError.readFailed(name: "#\(index)", reason: handle.lastError) }
            let name = String(cString: cName)
            guard ZipEntryName.isSafe(name) else { throw ZipError.unsafeEntryName(name) }
            let (sum, overflow) = total.addingReportingOverflow(stat.size)
            guard !overflow, sum <= limits.maxTotalUncompressedSize else {
                throw ZipError.totalSizeTooLarge(size: overflow ? .max : sum, limit: limits.maxTotalUncompressedSize)
            }
            total = sum
            if stat.size >= limits.ratioCheckMinimumSize {
                let ratio = Double(stat.size) / Double(max(stat.comp_size, 1))
                if ratio > limits.maxCompressionRatio {
                    throw ZipError.compressionRatioTooHigh(name: name, ratio: ratio, limit: limits.maxCompressionRatio)
                }
            }
            entries.append(ZipEntry(index: Int(index), name: name, size: stat.size, compressedSize: stat.comp_size))
        }
        return entries
    }

    /// The entry called `name`, if any.
    public func entry(named name: String) -> ZipEntry? {
        entries.first { $0.name == name }
    }

    /// The uncompressed bytes of the entry called `name`.
    /// - Throws: ``ZipError/entryNotFound(_:)`` or ``ZipError/readFailed(name:reason:)``.
    public func data(named name: String) throws -> Data {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try data(of: entry)
    }

    /// The uncompressed bytes of `entry`. Inflation stops with an error as soon as the data
    /// exceeds the declared size: the central directory may lie, and the limits were checked
    /// against it.
    public func data(of entry: ZipEntry) throws -> Data {
        guard let file = zip_fopen_index(handle.pointer, UInt64(entry.index), 0) else {
            throw ZipError.readFailed(name: entry.name, reason: handle.lastError)
        }
        let fileHandle = ZipFileHandle(file)
        var result = Data()
        result.reserveCapacity(Int(min(entry.size, 64 << 20)))
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let read = chunk.withUnsafeMutableBytes { buffer in
                zip_fread(fileHandle.pointer, buffer.baseAddress!, UInt64(chunkSize))
            }
            if read < 0 {
                let reason = String(cString: zip_file_strerror(fileHandle.pointer))
                throw ZipError.readFailed(name: entry.name, reason: reason)
            }
            if read == 0 { break }
            guard UInt64(result.count) + UInt64(read) <= entry.size else {
                throw ZipError.readFailed(name: entry.name, reason: "more data than the declared \(entry.size) bytes")
            }
            result.append(contentsOf: chunk[0..<Int(read)])
        }
        guard UInt64(result.count) == entry.size else {
            throw ZipError.readFailed(name: entry.name, reason: "truncated: \(result.count) of \(entry.size) bytes")
        }
        return result
    }
}
