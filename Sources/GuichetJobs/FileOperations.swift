import Foundation
import GuichetCore

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// File moves and writes with the guarantees the product promises: an original is never
/// lost (rename, or copy + fsync + unlink across devices) and a published file never
/// overwrites another.
public enum FileOperations {
    public enum MoveOutcome: Sendable, Equatable { case moved, sourceVanished }

    /// Moves `source` to `destination` (which must not exist). A symlink is moved as a link,
    /// never followed.
    public static func move(_ source: URL, to destination: URL) throws -> MoveOutcome {
        if rename(source.path, destination.path) == 0 { return .moved }
        let err = errno
        if err == ENOENT {
            var st = stat()
            if lstat(source.path, &st) != 0 { return .sourceVanished }
        }
        guard err == EXDEV else {
            throw GuichetError(.io, "cannot move \(source.lastPathComponent): \(String(cString: strerror(err)))")
        }
        // Another device (a network share mounted under Watch/): copy, flush, then remove.
        var st = stat()
        guard lstat(source.path, &st) == 0 else { return .sourceVanished }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: source.path)
            try FileManager.default.createSymbolicLink(atPath: destination.path, withDestinationPath: target)
        } else {
            let data = try Data(contentsOf: source)
            try writeNew(data, to: destination)
        }
        try FileManager.default.removeItem(at: source)
        return .moved
    }

    /// Writes `data` to a path that must not exist yet, flushed to disk.
    /// A file that could not be written whole (a full disk) is removed: no half file remains.
    public static func writeNew(_ data: Data, to url: URL, permissions: mode_t = 0o644) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            if errno == EEXIST { throw GuichetError(.conflict, "\(url.lastPathComponent) already exists") }
            throw ioError("cannot create \(url.lastPathComponent)", errno)
        }
        var complete = false
        defer {
            close(fd)
            // Created by this call (O_EXCL), so it is ours to remove.
            if !complete { unlink(url.path) }
        }
        try data.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ioError("cannot write \(url.lastPathComponent)", errno)
                }
                off += n
            }
        }
        guard fsync(fd) == 0 else {
            throw ioError("cannot flush \(url.lastPathComponent)", errno)
        }
        complete = true
    }

    /// An I/O error; a full disk says so to the person who reads the message.
    static func ioError(_ what: String, _ code: Int32) -> GuichetError {
        let text = "\(what): \(String(cString: strerror(code)))"
        if code == ENOSPC || code == EDQUOT {
            return GuichetError(.io, text, userMessage: "Le disque est plein : libérez de la place ; rien n'est perdu, l'opération sera reprise.")
        }
        return GuichetError(.io, text)
    }

    /// Writes a file atomically (temp file + rename), replacing any previous one. For files
    /// Guichet owns (results awaiting review, notes).
    public static func writeReplacing(_ data: Data, to url: URL) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try writeNew(data, to: tmp)
        guard rename(tmp.path, url.path) == 0 else {
            let e = errno
            unlink(tmp.path)
            throw GuichetError(.io, "cannot write \(url.lastPathComponent): \(String(cString: strerror(e)))")
        }
    }

    /// Places `data` in `directory` under `name`, or `name (2)`, `name (3)`… if taken; never
    /// overwrites. Returns the URL written.
    ///
    /// The content is written whole to a hidden temporary file first, then linked under its
    /// name (`link` never replaces a file): a reader of the folder sees the file complete or
    /// not at all, even when the disk fills up half way. Where the file system has no hard
    /// links (some network shares), the file is written in place, and removed if it fails.
    public static func writeUnique(_ data: Data, in directory: URL, name: String) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tmp = directory.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
        try writeNew(data, to: tmp)
        defer { unlink(tmp.path) }
        for n in 1...10_000 {
            let candidate = directory.appendingPathComponent(numbered(name, n))
            if link(tmp.path, candidate.path) == 0 { return candidate }
            switch errno {
            case EEXIST: continue
            case EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, ENOSYS: return try writeUniqueInPlace(data, in: directory, name: name)
            case let code: throw ioError("cannot publish \(candidate.lastPathComponent)", code)
            }
        }
        throw GuichetError(.io, "too many files named \(name) in \(directory.lastPathComponent)")
    }

    /// Whether `name` is one of the temporary files of ``writeUnique(_:in:name:)``.
    public static func isPublicationTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropLast(4).split(separator: ".")
        guard let last = parts.last, parts.count >= 2 else { return false }
        return UUID(uuidString: String(last)) != nil
    }

    static func writeUniqueInPlace(_ data: Data, in directory: URL, name: String) throws -> URL {
        for n in 1...10_000 {
            let candidate = directory.appendingPathComponent(numbered(name, n))
            do {
                try writeNew(data, to: candidate)
                return candidate
            } catch let e as GuichetError where e.code == .conflict {
                continue
            }
        }
        throw GuichetError(.io, "too many files named \(name) in \(directory.lastPathComponent)")
    }

    /// Moves `source` into `directory` under its name or a numbered variant; never overwrites.
    public static func moveUnique(_ source: URL, into directory: URL, name: String) throws -> URL? {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for n in 1...10_000 {
            let candidate = directory.appendingPathComponent(numbered(name, n))
            var st = stat()
            if lstat(candidate.path, &st) == 0 { continue }
            switch try move(source, to: candidate) {
            case .moved: return candidate
            case .sourceVanished: return nil
            }
        }
        throw GuichetError(.io, "too many files named \(name) in \(directory.lastPathComponent)")
    }

    /// `rapport.md`, `rapport (2).md`, `rapport (3).md`…
    public static func numbered(_ name: String, _ n: Int) -> String {
        guard n > 1 else { return name }
        let ns = name as NSString
        let ext = ns.pathExtension
        let stem = ext.isEmpty ? name : ns.deletingPathExtension
        return ext.isEmpty ? "\(stem) (\(n))" : "\(stem) (\(n)).\(ext)"
    }

    public static func isSymlink(_ url: URL) -> Bool {
        var st = stat()
        return lstat(url.path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }
}
