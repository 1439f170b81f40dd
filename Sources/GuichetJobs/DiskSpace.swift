import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Free space of the file system holding a path.
public enum DiskSpace {
    /// Bytes available to an unprivileged process, or nil when the path cannot be examined.
    public static func available(at url: URL) -> UInt64? {
        var s = statvfs()
        guard statvfs(url.path, &s) == 0 else { return nil }
        return UInt64(s.f_bavail) * UInt64(s.f_frsize)
    }
}
