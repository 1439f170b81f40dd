import CZip
import Foundation

/// Owns one `zip_t *`. Whoever holds it never frees the pointer by hand: `deinit` discards the
/// archive unless ``close()`` succeeded, so an error path cannot leak the handle or half-write
/// a file (libzip only writes at `zip_close`).
final class ZipArchiveHandle {
    let pointer: OpaquePointer
    private var isClosed = false

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    /// The last error libzip recorded on this archive, as text.
    var lastError: String { String(cString: zip_strerror(pointer)) }

    /// Writes pending changes (`zip_close`). On failure libzip keeps the handle open, so it is
    /// still discarded by `deinit`.
    func close() throws {
        precondition(!isClosed, "zip archive closed twice")
        if zip_close(pointer) != 0 {
            throw ZipError.writeFailed(reason: lastError)
        }
        isClosed = true
    }

    deinit {
        if !isClosed { zip_discard(pointer) }
    }
}

/// Owns one `zip_file_t *` (an entry opened for reading) and closes it in `deinit`.
final class ZipFileHandle {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { zip_fclose(pointer) }
}

/// Messages for libzip error codes returned outside an archive (by `zip_open`).
enum ZipErrorText {
    static func message(forCode code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        return buffer.withUnsafeMutableBufferPointer { buf in
            String(cString: guichet_zip_error_string(code, buf.baseAddress!, buf.count))
        }
    }
}
