import Foundation
import GuichetCore

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One daemon per state directory: an exclusive `flock` held for the process's life. The
/// kernel releases it when the process dies, even by `kill -9`, so no stale lock remains.
public final class DaemonLock: Sendable {
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws a clear error naming the process that holds it.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GuichetError(.io, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buf, 31, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw GuichetError(.conflict, "another Guichet daemon (pid \(pid)) already uses this state directory (\(path)); stop it first or use another state_dir")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
        self.path = path
    }

    /// Whether some process holds the lock (a daemon is running), without taking it.
    public static func isHeld(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
