import CZip
import Foundation
import GuichetDOCX

/// The entries of a package, read either through ``ZipReader`` (strict: libzip's consistency
/// check) or, when that check alone fails, through a lenient libzip reader with the same
/// limits. Word and SharePoint write local headers with padding extra fields that libzip's
/// `ZIP_CHECKCONS` calls inconsistent, although every entry is intact (real corpus file).
final class PackageEntries {
    let names: [String]
    /// Compressed size per entry name (tests check untouched entries keep their compression).
    let compressedSizes: [String: UInt64]
    private let read: (String) throws -> Data

    private init(names: [String], compressedSizes: [String: UInt64], read: @escaping (String) throws -> Data) {
        self.names = names
        self.compressedSizes = compressedSizes
        self.read = read
    }

    func data(named name: String) throws(DOCXTextError) -> Data {
        do { return try read(name) } catch let error as ZipError {
            throw DOCXTextError.from(error)
        } catch let error as DOCXTextError {
            throw error
        } catch {
            throw DOCXTextError(.unreadable, "\(name): \(error)")
        }
    }

    static func open(_ url: URL, limits: ZipLimits) throws(DOCXTextError) -> PackageEntries {
        do {
            let reader = try ZipReader(url: url, limits: limits)
            let sizes = Dictionary(reader.entries.map { ($0.name, $0.compressedSize) }, uniquingKeysWith: { a, _ in a })
            return PackageEntries(names: reader.entries.map(\.name), compressedSizes: sizes) { try reader.data(named: $0) }
        } catch let ZipError.notAZip(_, reason) where reason.lowercased().contains("inconsistent") {
            return try lenient(url, limits: limits)
        } catch let error as ZipError {
            throw DOCXTextError.from(error)
        } catch {
            throw DOCXTextError(.unreadable, "\(url.lastPathComponent): \(error)")
        }
    }

    /// Same checks as ``ZipReader`` (count, names, total size, ratio, declared-size cap while
    /// inflating, CRC by libzip), without the central/local header comparison.
    private static func lenient(_ url: URL, limits: ZipLimits) throws(DOCXTextError) -> PackageEntries {
        var code: Int32 = 0
        guard let archive = zip_open(url.path, Int32(ZIP_RDONLY), &code) else {
            throw DOCXTextError(.notAZip, "libzip cannot open the archive (error \(code))")
        }
        let handle = LenientArchive(archive)
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0 else { throw DOCXTextError(.unreadable, "cannot count entries") }
        guard count <= Int64(limits.maxEntries) else {
            throw DOCXTextError(.tooManyParts, "zip has \(count) entries, limit is \(limits.maxEntries)")
        }
        var names: [String] = []
        var sizes: [String: (index: UInt64, size: UInt64)] = [:]
        var compressed: [String: UInt64] = [:]
        var total: UInt64 = 0
        for index in 0..<UInt64(count) {
            var stat = zip_stat_t()
            zip_stat_init(&stat)
            guard zip_stat_index(archive, index, 0, &stat) == 0,
                  stat.valid & guichet_zip_stat_size_valid == guichet_zip_stat_size_valid, let cName = stat.name
            else { throw DOCXTextError(.unreadable, "cannot stat entry #\(index)") }
            let name = String(cString: cName)
            guard isSafe(name) else { throw DOCXTextError(.unsafeEntryName, "unsafe zip entry name: \(name)") }
            let (sum, overflow) = total.addingReportingOverflow(stat.size)
            guard !overflow, sum <= limits.maxTotalUncompressedSize else {
                throw DOCXTextError(.zipBomb, "zip expands beyond \(limits.maxTotalUncompressedSize) bytes")
            }
            total = sum
            if stat.size >= limits.ratioCheckMinimumSize,
               Double(stat.size) / Double(max(stat.comp_size, 1)) > limits.maxCompressionRatio {
                throw DOCXTextError(.zipBomb, "zip entry \(name) expands more than \(Int(limits.maxCompressionRatio))×")
            }
            names.append(name)
            sizes[name] = (index, stat.size)
            compressed[name] = stat.comp_size
        }
        return PackageEntries(names: names, compressedSizes: compressed) { name in
            guard let (index, size) = sizes[name] else { throw ZipError.entryNotFound(name) }
            guard let file = zip_fopen_index(handle.pointer, index, 0) else { throw ZipError.readFailed(name: name, reason: "open") }
            defer { zip_fclose(file) }
            var result = Data()
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let read = chunk.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress!, UInt64($0.count)) }
                guard read >= 0 else { throw ZipError.readFailed(name: name, reason: String(cString: zip_file_strerror(file))) }
                if read == 0 { break }
                guard UInt64(result.count) + UInt64(read) <= size else { throw ZipError.readFailed(name: name, reason: "more data than declared") }
                result.append(contentsOf: chunk[0..<Int(read)])
            }
            guard UInt64(result.count) == size else { throw ZipError.readFailed(name: name, reason: "truncated") }
            return result
        }
    }

    /// Mirrors GuichetDOCX's entry-name rule (internal there): relative, `/`-separated, no `..`.
    static func isSafe(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix("/") || name.contains("\\") || name.contains("\0") { return false }
        let scalars = Array(name.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return false }
        return !name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }
}

/// Owns a read-only `zip_t *` for the lenient reader; discarded when the last reader closure goes.
private final class LenientArchive {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { zip_discard(pointer) }
}
