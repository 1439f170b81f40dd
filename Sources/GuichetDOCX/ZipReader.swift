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
/// The archive is read into memory once (office packages are small, and the caller's file may
/// change while it is read): libzip works on that copy, and the structure check
/// (``ZipStructure``) sees exactly the bytes libzip reads.
///
/// Not `Sendable`: a libzip handle must not be used from two threads at once. Open one reader
/// per task.
public final class ZipReader {
    private let handle: ZipArchiveHandle
    /// The entries in archive order. Every name is safe and every limit was checked.
    public let entries: [ZipEntry]
    /// The limits this reader was opened with (also applied while inflating).
    public let limits: ZipLimits
    private lazy var indexByName: [String: Int] = {
        var map: [String: Int] = [:]
        for (k, entry) in entries.enumerated() where map[entry.name] == nil { map[entry.name] = k }
        return map
    }()

    /// Reads `url` into memory and opens it as ``init(data:label:limits:)`` does.
    /// - Throws: ``ZipError`` — `openFailed` when the file cannot be read or is larger than
    ///   the limits allow, otherwise as ``init(data:label:limits:)``.
    public convenience init(url: URL, limits: ZipLimits = .default) throws {
        let path = url.path
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
            // A package is never larger than what it expands to, headers aside.
            guard size <= limits.maxTotalUncompressedSize else {
                throw ZipError.totalSizeTooLarge(size: size, limit: limits.maxTotalUncompressedSize)
            }
            data = try Data(contentsOf: url)
        } catch let error as ZipError {
            throw error
        } catch {
            throw ZipError.openFailed(path: path, reason: "\(error.localizedDescription)")
        }
        try self.init(data: data, label: path, limits: limits)
    }

    /// Opens the archive held in `data` read-only, checks its structure (``ZipStructure``) and
    /// validates the whole central directory against `limits` before inflating anything.
    /// `label` names the archive in errors (a path, usually).
    /// - Throws: ``ZipError`` — `notAZip`, `inconsistent`, `openFailed`, `tooManyEntries`,
    ///   `totalSizeTooLarge`, `compressionRatioTooHigh` or `unsafeEntryName`.
    public init(data: Data, label: String = "", limits: ZipLimits = .default) throws {
        // libzip keeps reading from the buffer until the archive is closed: give it its own
        // malloc'ed copy and let it free it (freep = 1).
        guard let copy = malloc(max(1, data.count)) else { throw ZipError.openFailed(path: label, reason: "out of memory") }
        data.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, $0.count) } }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(copy, UInt64(data.count), 1, &error) else {
            free(copy)
            throw ZipError.openFailed(path: label, reason: String(cString: zip_error_strerror(&error)))
        }
        // No ZIP_CHECKCONS: ZipStructure below does the checks that matter (see there).
        guard let archive = zip_open_from_source(source, Int32(ZIP_RDONLY), &error) else {
            zip_source_free(source)
            let code = zip_error_code_zip(&error)
            let reason = String(cString: zip_error_strerror(&error))
            if code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS { throw ZipError.notAZip(path: label, reason: reason) }
            throw ZipError.openFailed(path: label, reason: reason)
        }
        let handle = ZipArchiveHandle(archive)
        self.handle = handle
        self.limits = limits
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0 else { throw ZipError.readFailed(name: "", reason: handle.lastError) }
        guard count <= Int64(limits.maxEntries) else {
            throw ZipError.tooManyEntries(count: Int(count), limit: limits.maxEntries)
        }
        do {
            try ZipStructure.check(UnsafeRawBufferPointer(start: copy, count: data.count), expectedEntries: Int(count))
        } catch {
            throw ZipError.inconsistent(name: error.entry, reason: error.reason)
        }
        self.entries = try Self.validatedEntries(of: handle, count: count, limits: limits)
    }

    /// Reads every entry's declared sizes and refuses the archive before inflating anything.
    private static func validatedEntries(of handle: ZipArchiveHandle, count: Int64, limits: ZipLimits) throws -> [ZipEntry] {
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
        indexByName[name].map { entries[$0] }
    }

    /// The uncompressed bytes of the entry called `name`.
    /// - Throws: ``ZipError/entryNotFound(_:)`` or ``ZipError/readFailed(name:reason:)``.
    public func data(named name: String) throws -> Data {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try data(of: entry)
    }

    /// The uncompressed bytes of `entry`.
    public func data(of entry: ZipEntry) throws -> Data {
        Data(try bytes(of: entry))
    }

    /// The uncompressed bytes of the entry called `name`, as an array (no `Data` bridging).
    public func bytes(named name: String) throws -> [UInt8] {
        guard let entry = entry(named: name) else { throw ZipError.entryNotFound(name) }
        return try bytes(of: entry)
    }

    /// The uncompressed bytes of `entry`, inflated straight into an array of the declared size.
    /// Inflation stops with an error as soon as the data exceeds the declared size: the
    /// central directory may lie, and the limits were checked against it.
    public func bytes(of entry: ZipEntry) throws -> [UInt8] {
        guard let file = zip_fopen_index(handle.pointer, UInt64(entry.index), 0) else {
            throw ZipError.readFailed(name: entry.name, reason: handle.lastError)
        }
        let fileHandle = ZipFileHandle(file)
        let size = Int(entry.size)
        var failure: ZipError?
        let result = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size {
                let read = zip_fread(fileHandle.pointer, buffer.baseAddress! + filled, UInt64(size - filled))
                if read < 0 {
                    failure = .readFailed(name: entry.name, reason: String(cString: zip_file_strerror(fileHandle.pointer)))
                    break
                }
                if read == 0 {
                    failure = .readFailed(name: entry.name, reason: "truncated: \(filled) of \(size) bytes")
                    break
                }
                filled += Int(read)
            }
            if failure != nil { buffer.baseAddress.map { $0.initialize(repeating: 0, count: size) } }
            initialized = size
        }
        if let failure { throw failure }
        // One more byte would mean the entry holds more than declared.
        var probe: UInt8 = 0
        let extra = zip_fread(fileHandle.pointer, &probe, 1)
        if extra < 0 {
            throw ZipError.readFailed(name: entry.name, reason: String(cString: zip_file_strerror(fileHandle.pointer)))
        }
        guard extra == 0 else {
            throw ZipError.readFailed(name: entry.name, reason: "more data than the declared \(entry.size) bytes")
        }
        return result
    }
}
