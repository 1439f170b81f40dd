@preconcurrency import Glibc
import Foundation

/// One inotify event, decoded.
struct InotifyEvent: Sendable {
    var watchDescriptor: Int32
    var mask: UInt32
    var cookie: UInt32
    /// Name inside the watched directory; `nil` for events about the directory itself,
    /// or when the raw name is not valid UTF-8 (such a name is skipped, a scan sees it too).
    var name: String?
    /// `true` when the kernel sent a name that could not be decoded.
    var hasUndecodableName: Bool

    func has(_ flag: UInt32) -> Bool { mask & flag != 0 }
}

/// inotify flags as `UInt32` (Glibc imports them with mixed integer types).
enum InotifyFlag {
    static let closeWrite = UInt32(IN_CLOSE_WRITE)
    static let movedTo = UInt32(IN_MOVED_TO)
    static let movedFrom = UInt32(IN_MOVED_FROM)
    static let create = UInt32(IN_CREATE)
    static let delete = UInt32(IN_DELETE)
    static let deleteSelf = UInt32(IN_DELETE_SELF)
    static let moveSelf = UInt32(IN_MOVE_SELF)
    static let overflow = UInt32(IN_Q_OVERFLOW)
    static let ignored = UInt32(IN_IGNORED)
    static let isDirectory = UInt32(IN_ISDIR)
    static let onlyDirectory = UInt32(IN_ONLYDIR)
    static let dontFollow = UInt32(IN_DONT_FOLLOW)
    static let excludeUnlinked = UInt32(IN_EXCL_UNLINK)

    /// Mask for every watched directory. `IN_DONT_FOLLOW` + `IN_ONLYDIR`: a symlinked
    /// directory is never watched.
    static let directoryMask: UInt32 = closeWrite | movedTo | movedFrom | create | delete
        | deleteSelf | moveSelf | onlyDirectory | dontFollow | excludeUnlinked
}

/// Owns an inotify file descriptor and a wake-up pipe, and closes both.
///
/// `addWatch`/`removeWatch`/`wake` may be called from any thread. `waitForEvents` blocks
/// (in `poll`) and must only be called from the dedicated reader thread, which also calls
/// `close()` once it leaves its loop, so the descriptor is never closed under a `poll`.
final class InotifyHandle: @unchecked Sendable {
    private let inotifyFD: Int32
    private let wakeReadFD: Int32
    private let wakeWriteFD: Int32
    private let state = Locked(false)  // closed?
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Outcome of one wait.
    enum WaitResult {
        case events([InotifyEvent])
        case woken
        case failed(POSIXErrorCodeValue)
    }

    /// Opens the inotify instance (non-blocking, close-on-exec) and the wake-up pipe.
    init() throws(POSIXErrorCodeValue) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw POSIXErrorCodeValue(errno) }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw POSIXErrorCodeValue(code)
        }
        for pipeFD in fds {  // pipe2 is not imported: set the flags afterwards
            _ = fcntl(pipeFD, F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeFD, F_SETFL, fcntl(pipeFD, F_GETFL) | O_NONBLOCK)
        }
        inotifyFD = fd
        wakeReadFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit { close() }

    /// Watches a directory (never through a symlink). Adding an already watched
    /// directory returns its existing descriptor.
    func addWatch(path: String) -> Result<Int32, POSIXErrorCodeValue> {
        state.withLock { closed in
            if closed { return .failure(POSIXErrorCodeValue(EBADF)) }
            let wd = inotify_add_watch(inotifyFD, path, InotifyFlag.directoryMask)
            return wd >= 0 ? .success(wd) : .failure(POSIXErrorCodeValue(errno))
        }
    }

    /// Stops watching; the kernel then sends IN_IGNORED for `wd`.
    func removeWatch(_ wd: Int32) {
        state.withLock { closed in
            if !closed { _ = inotify_rm_watch(inotifyFD, wd) }
        }
    }

    /// Makes a pending or future `waitForEvents` return `.woken`.
    func wake() {
        state.withLock { closed in
            guard !closed else { return }
            var byte: UInt8 = 1
            _ = Glibc.write(wakeWriteFD, &byte, 1)
        }
    }

    /// Blocks until events arrive or `wake()` is called. Reader thread only.
    func waitForEvents() -> WaitResult {
        while true {
            var fds = [
                pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed(POSIXErrorCodeValue(errno))
            }
            if fds[1].revents != 0 { return .woken }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let count = buffer.withUnsafeMutableBytes { raw in
                    Glibc.read(inotifyFD, raw.baseAddress, raw.count)
                }
                if count < 0 {
                    if errno == EAGAIN || errno == EINTR { continue }
                    return .failed(POSIXErrorCodeValue(errno))
                }
                return .events(Self.decode(buffer, count: count))
            }
            if fds[0].revents != 0 { return .failed(POSIXErrorCodeValue(EIO)) }
        }
    }

    /// Closes both descriptors (idempotent).
    func close() {
        state.withLock { closed in
            guard !closed else { return }
            closed = true
            Glibc.close(inotifyFD)
            Glibc.close(wakeReadFD)
            Glibc.close(wakeWriteFD)
        }
    }

    /// Decodes `struct inotify_event` records: a 16-byte header (wd, mask, cookie, len)
    /// followed by `len` bytes of NUL-padded name; the next record starts at 16 + len.
    static func decode(_ bytes: [UInt8], count: Int) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + 16 <= count {
                let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let cookie = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameStart = offset + 16
                let nameEnd = min(nameStart + length, count)
                var name: String?
                var undecodable = false
                if length > 0 {
                    let slice = raw[nameStart..<nameEnd]
                    let used = slice.prefix { $0 != 0 }
                    if !used.isEmpty {
                        name = String(validating: used, as: UTF8.self)
                        undecodable = name == nil
                    }
                }
                events.append(InotifyEvent(
                    watchDescriptor: wd, mask: mask, cookie: cookie, name: name,
                    hasUndecodableName: undecodable))
                offset = nameStart + length
            }
        }
        return events
    }
}
