import CZip
import Foundation

/// Replaces some entries of a zip package and returns the new package bytes, all in memory.
/// libzip copies untouched entries' compressed bytes as they are (same data, same compression
/// method, same order, never inflated); only replaced entries are compressed (deflate).
enum PackageRewriter {
    /// zlib's own default level: what LibreOffice writes. libzip would otherwise use 9, which
    /// takes about 2.5× as long for output about 5% smaller.
    static let deflateLevel: UInt32 = 6
    /// libzip 1.7 resets the level to its default when the method asked for is the entry's
    /// current one (deflate → deflate), so the level is given with ZIP_CM_DEFAULT (deflate).
    static let method = Int32(ZIP_CM_DEFAULT)

    static func replacing(_ replacements: [String: Data], in original: Data) throws(DOCXTextError) -> Data {
        guard !replacements.isEmpty else { return original }
        // The buffer source owns a malloc'ed copy of the package (freep = 1) and receives the
        // rewritten archive at zip_close; zip_source_keep lets us read it back afterwards.
        guard let copy = malloc(max(1, original.count)) else { throw DOCXTextError(.unreadable, "out of memory") }
        original.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, $0.count) } }
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(copy, UInt64(original.count), 1, &error) else {
            free(copy)
            throw DOCXTextError(.unreadable, "zip_source_buffer_create: \(String(cString: zip_error_strerror(&error)))")
        }
        zip_source_keep(source)
        defer { zip_source_free(source) }
        guard let archive = zip_open_from_source(source, 0, &error) else {
            zip_source_free(source)  // not taken over on failure: drop the reference kept above too
            throw DOCXTextError(.unreadable, "libzip cannot reopen the package: \(String(cString: zip_error_strerror(&error)))")
        }
        var closed = false
        defer { if !closed { zip_discard(archive) } }
        func failure(_ what: String) -> DOCXTextError {
            DOCXTextError(.unreadable, "\(what): \(String(cString: zip_strerror(archive)))")
        }
        for name in replacements.keys.sorted() {
            let data = replacements[name]!
            let index = zip_name_locate(archive, name, 0)
            guard index >= 0 else { throw DOCXTextError(.unreadable, "entry \(name) vanished") }
            // zip_source_buffer does not copy: hand it its own malloc'ed buffer (freep = 1).
            guard let bytes = malloc(max(1, data.count)) else { throw DOCXTextError(.unreadable, "out of memory") }
            data.withUnsafeBytes { if let base = $0.baseAddress { memcpy(bytes, base, $0.count) } }
            guard let entry = zip_source_buffer(archive, bytes, UInt64(data.count), 1) else {
                free(bytes)
                throw failure("zip_source_buffer")
            }
            guard zip_file_replace(archive, UInt64(index), entry, 0) == 0 else {
                zip_source_free(entry)
                throw failure("zip_file_replace \(name)")
            }
            guard zip_set_file_compression(archive, UInt64(index), method, deflateLevel) == 0 else {
                throw failure("zip_set_file_compression \(name)")
            }
        }
        guard zip_close(archive) == 0 else { throw failure("zip_close") }
        closed = true
        return try contents(of: source)
    }

    /// Everything a (kept) buffer source holds, read into one `Data` without further copies.
    private static func contents(of source: OpaquePointer) throws(DOCXTextError) -> Data {
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_source_stat(source, &stat) == 0, stat.valid & UInt64(ZIP_STAT_SIZE) != 0 else {
            throw DOCXTextError(.unreadable, "cannot size the rewritten package")
        }
        let size = Int(stat.size)
        guard zip_source_open(source) == 0 else { throw DOCXTextError(.unreadable, "cannot reopen the rewritten package") }
        defer { zip_source_close(source) }
        guard let buffer = malloc(max(1, size)) else { throw DOCXTextError(.unreadable, "out of memory") }
        var filled = 0
        while filled < size {
            let read = zip_source_read(source, buffer + filled, UInt64(size - filled))
            guard read > 0 else {
                free(buffer)
                throw DOCXTextError(.unreadable, "cannot read the rewritten package")
            }
            filled += Int(read)
        }
        return Data(bytesNoCopy: buffer, count: size, deallocator: .free)
    }
}
