import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Free space of the file system holding a path.
public enum DiskSpace {
    /// Bytes available to an unprivileged process, or nil when the path cannot be examined.
    /// A folder not created yet is measured where it will be: on its nearest existing parent.
    public static func available(at url: URL) -> UInt64? {
        var path = url.standardizedFileURL.path
        var s = statvfs()
        while statvfs(path, &s) != 0 {
            guard errno == ENOENT, path != "/" else { return nil }
            path = (path as NSString).deletingLastPathComponent
            if path.isEmpty { path = "/" }
        }
        return UInt64(s.f_bavail) * UInt64(s.f_frsize)
    }
}
