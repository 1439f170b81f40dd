#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A TCP listener on 127.0.0.1 (ephemeral port) that serves each connection on its own thread.
///
/// Raw POSIX sockets rather than a server library: the fixtures need exact control of the bytes
/// (SMTP reply codes, a server that never greets), and the package must stay light (no NIO).
final class LoopbackListener: Sendable {
    private struct State {
        var open: Set<Int32> = []
        var accepted = 0
        var stopped = false
    }

    private let listenFD: Int32
    private let state = Mutex(State())
    /// The port chosen by the kernel.
    let port: Int

    init() throws {
        signal(SIGPIPE, SIG_IGN)  // a client hanging up must not kill the test process
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw FixtureError.socket("bind/listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listenFD = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }

    /// Accepts on a background thread; `serve` runs on one thread per connection, which is
    /// closed when it returns.
    func start(name: String, serve: @escaping @Sendable (SocketConnection) -> Void) {
        let thread = Thread { [self] in
            // Closed here, not in stop(): a number closed while this loop may still call accept()
            // could be reused by another test's socket, and accept() would then take its clients.
            defer { close(listenFD) }
            while true {
                let fd = accept(listenFD, nil, nil)
                if fd < 0 {
                    if errno == EINTR { continue }
                    return  // shut down by stop()
                }
                let admitted = state.withLock { state -> Bool in
                    guard !state.stopped else { return false }
                    state.open.insert(fd)
                    state.accepted += 1
                    return true
                }
                guard admitted else {
                    close(fd)
                    return
                }
                let connection = SocketConnection(fd: fd)
                let worker = Thread { [self] in
                    serve(connection)
                    // Closed under the lock that stop() shuts down under: once the number is
                    // free for reuse by another test's socket, stop() can no longer reach it.
                    state.withLock {
                        _ = $0.open.remove(fd)
                        close(fd)
                    }
                }
                worker.name = "\(name).connection"
                worker.start()
            }
        }
        thread.name = "\(name).accept"
        thread.start()
    }

    /// Stops accepting and shuts down open connections (ending blocked reads). Idempotent.
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))  // wakes accept() with an error
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }
}

/// One accepted connection: buffered reads of lines or byte counts, whole writes.
/// Used by one thread only.
final class SocketConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next line without its CRLF (or bare LF); nil when the peer closed.
    func readLine(limit: Int = 1 << 20) -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return line
            }
            if buffer.count > limit { return nil }
            guard receiveMore() else { return nil }
        }
    }

    /// Exactly `count` bytes; nil when the peer closed first.
    func readExactly(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard receiveMore() else { return nil }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// Writes all of `text`; false when the peer is gone.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemSend(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private func receiveMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received > 0 {
                buffer.append(contentsOf: chunk[..<received])
                return true
            }
            if received < 0 && errno == EINTR { continue }
            return false
        }
    }
}

/// `send(2)`, reachable from inside a type with its own `send` method.
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    return Darwin.send(fd, bytes, count, 0)
    #endif
}

/// A fixture could not open its socket.
public enum FixtureError: Error, CustomStringConvertible {
    case socket(String, Int32)

    public var description: String {
        switch self {
        case .socket(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
