@preconcurrency import Glibc
import Foundation

/// A path compared byte by byte (Swift `String` equality would merge NFC and NFD names,
/// which are two different files on Linux).
struct PathKey: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ path: String) { bytes = Array(path.utf8) }

    /// `true` when `self` is `directory` or lies below it.
    func isWithin(_ directory: PathKey) -> Bool {
        guard bytes.count >= directory.bytes.count,
              bytes.starts(with: directory.bytes) else { return false }
        return bytes.count == directory.bytes.count
            || bytes[directory.bytes.count] == UInt8(ascii: "/")
    }
}

/// What identifies one version of one file: a new inode, size or mtime is a new drop.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var mtimeSeconds: Int
    var mtimeNanoseconds: Int
}

/// The result of `lstat` on a path (symlinks are never followed).
struct FileStatus: Sendable {
    enum Kind: Sendable { case regular, symlink, directory, other }

    var kind: Kind
    var identity: FileIdentity

    var size: Int64 { identity.size }
    var modificationDate: Date {
        Date(timeIntervalSince1970: Double(identity.mtimeSeconds)
            + Double(identity.mtimeNanoseconds) / 1_000_000_000)
    }
    /// Only regular files and symlinks are ever reported.
    var isReportable: Bool { kind == .regular || kind == .symlink }

    /// `lstat(2)` on a raw path; returns the `errno` on failure.
    static func lstat(path: String) -> Result<FileStatus, POSIXErrorCodeValue> {
        var st = stat()
        guard Glibc.lstat(path, &st) == 0 else { return .failure(POSIXErrorCodeValue(errno)) }
        let kind: Kind
        switch st.st_mode & mode_t(S_IFMT) {
        case mode_t(S_IFREG): kind = .regular
        case mode_t(S_IFLNK): kind = .symlink
        case mode_t(S_IFDIR): kind = .directory
        default: kind = .other
        }
        let identity = FileIdentity(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec))
        return .success(FileStatus(kind: kind, identity: identity))
    }

    /// `true` when `lstat` failed because nothing is at the path any more.
    static func isGone(path: String) -> Bool {
        if case .failure(let code) = lstat(path: path) {
            return code.value == ENOENT || code.value == ENOTDIR
        }
        return false
    }
}

/// An `errno` value carried in a `Result`.
struct POSIXErrorCodeValue: Error, Sendable {
    let value: Int32
    init(_ value: Int32) { self.value = value }
    var description: String { String(cString: strerror(value)) }
}

/// A directory being watched or scanned, with its place in the pipeline tree.
struct WatchedDirectory: Sendable {
    /// Raw absolute path.
    var path: String
    /// Pipeline folder name.
    var pipeline: String
    /// Components between the pipeline folder and this directory.
    var subfolders: [String]

    var key: PathKey { PathKey(path) }

    /// The directory `name` inside this one.
    func child(_ name: String) -> WatchedDirectory {
        WatchedDirectory(path: path + "/" + name, pipeline: pipeline, subfolders: subfolders + [name])
    }
}
