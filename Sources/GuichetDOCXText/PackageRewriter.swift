import CZip
import Foundation

/// Replaces some entries of a zip package and returns the new package bytes. Works on a copy
/// in a private temporary directory through libzip, which copies untouched entries' compressed
/// bytes as they are (same data, same compression method, same order) — only replaced entries
/// are recompressed (deflate).
enum PackageRewriter {
    static func replacing(_ replacements: [String: Data], in original: Data) throws(DOCXTextError) -> Data {
        guard !replacements.isEmpty else { return original }
        let dir = try PrivateDirectory()
        defer { dir.remove() }
        let path = dir.url.appendingPathComponent("package.docx").path
        do { try original.write(to: URL(fileURLWithPath: path)) } catch {
            throw DOCXTextError(.unreadable, "cannot write temporary copy: \(error)")
        }
        var code: Int32 = 0
        guard let archive = zip_open(path, 0, &code) else {
            throw DOCXTextError(.unreadable, "libzip cannot reopen the package (error \(code))")
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
            guard let copy = malloc(max(1, data.count)) else { throw DOCXTextError(.unreadable, "out of memory") }
            data.withUnsafeBytes { if let base = $0.baseAddress { memcpy(copy, base, $0.count) } }
            guard let source = zip_source_buffer(archive, copy, UInt64(data.count), 1) else {
                free(copy)
                throw failure("zip_source_buffer")
            }
            guard zip_file_replace(archive, UInt64(index), source, 0) == 0 else {
                zip_source_free(source)
                throw failure("zip_file_replace \(name)")
            }
            guard zip_set_file_compression(archive, UInt64(index), guichet_zip_cm_deflate, 0) == 0 else {
                throw failure("zip_set_file_compression \(name)")
            }
        }
        guard zip_close(archive) == 0 else { throw failure("zip_close") }
        closed = true
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DOCXTextError(.unreadable, "cannot read rewritten package: \(error)")
        }
    }
}

/// A directory only this process can read (0700), removed by the owner with ``remove()``:
/// the uploaded document and its rewrite never sit in a shared location.
struct PrivateDirectory {
    let url: URL

    init() throws(DOCXTextError) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-docxtext-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DOCXTextError(.unreadable, "cannot create a private temporary directory: \(error)")
        }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
