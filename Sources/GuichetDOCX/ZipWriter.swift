import CZip
import Foundation

/// Writes a new zip archive through libzip, entries in the order they are added, deflated.
///
/// libzip only writes the file at ``close()`` (it rewrites the whole archive then), so the
/// writer refuses an existing path: callers write to a fresh temporary path in the destination
/// directory and rename it into place, which readers never see half-written.
public final class ZipWriter {
    private let handle: ZipArchiveHandle
    private let path: String
    private var names: Set<String> = []
    private var closed = false

    /// Prepares an archive at `url`, which must not exist yet.
    /// - Throws: ``ZipError/openFailed(path:reason:)`` if the file exists or the directory is
    ///   not writable.
    public init(creatingAt url: URL) throws {
        path = url.path
        var code: Int32 = 0
        guard let archive = zip_open(path, guichet_zip_open_create_new, &code) else {
            throw ZipError.openFailed(path: path, reason: ZipErrorText.message(forCode: code))
        }
        handle = ZipArchiveHandle(archive)
    }

    /// Adds an entry. `compress: false` stores it (for already-compressed media).
    /// - Throws: ``ZipError/unsafeEntryName(_:)`` for names a reader would refuse, and
    ///   ``ZipError/writeFailed(reason:)`` for duplicates or libzip errors.
    public func add(name: String, data: Data, compress: Bool = true) throws {
        precondition(!closed, "ZipWriter used after close()")
        guard ZipEntryName.isSafe(name) else { throw ZipError.unsafeEntryName(name) }
        guard names.insert(name).inserted else { throw ZipError.writeFailed(reason: "duplicate entry \(name)") }
        // zip_source_buffer keeps the pointer until zip_close: give it its own malloc'ed copy
        // and let libzip free it (freep = 1). malloc(0) may return NULL, hence max(1, ...).
        guard let copy = malloc(max(1, data.count)) else { throw ZipError.writeFailed(reason: "out of memory") }
        data.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { memcpy(copy, base, bytes.count) }
        }
        guard let source = zip_source_buffer(handle.pointer, copy, UInt64(data.count), 1) else {
            free(copy)
            throw ZipError.writeFailed(reason: handle.lastError)
        }
        let index = zip_file_add(handle.pointer, name, source, ZIP_FL_ENC_UTF_8)
        guard index >= 0 else {
            // On failure the source (and the buffer it owns) is still ours to free.
            zip_source_free(source)
            throw ZipError.writeFailed(reason: handle.lastError)
        }
        let method = compress ? guichet_zip_cm_deflate : Int32(ZIP_CM_STORE)
        guard zip_set_file_compression(handle.pointer, UInt64(index), method, 0) == 0 else {
            throw ZipError.writeFailed(reason: handle.lastError)
        }
    }

    /// Compresses and writes the archive. After a failure nothing usable is left at the path.
    public func close() throws {
        precondition(!closed, "ZipWriter closed twice")
        closed = true
        do {
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }
}
