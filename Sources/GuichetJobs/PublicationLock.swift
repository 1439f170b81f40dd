import Foundation
import GuichetCore

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Serialises the decisions, edits and publication of one job between processes: an approver's
/// CLI approving while a daemon's start-up recovery publishes interrupted approvals could
/// otherwise both write the result, the second as `name (2)`; an edit racing an approval could
/// publish half of the edit. An exclusive `flock` on a file in the job's folder; the
/// kernel drops it if the holder dies, so a crash never leaves the job locked.
final class PublicationLock {
    private let fd: Int32

    /// Waits (without blocking a thread of the cooperative pool) until the lock is ours.
    static func acquire(jobDir: URL, timeout: Duration = .seconds(120)) async throws -> PublicationLock {
        try FileManager.default.createDirectory(at: jobDir, withIntermediateDirectories: true)
        let path = jobDir.appendingPathComponent(".publish.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw GuichetError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                close(fd)
                throw GuichetError(.conflict, "another process is still publishing this job")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return PublicationLock(fd: fd)
    }

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
