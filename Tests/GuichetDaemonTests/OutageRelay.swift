import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A TCP relay in front of the fake model server, on a port of its own, so a test can make the
/// model server go away and come back on the same address: `down()` closes the port (new
/// connections are refused, as when the server process is gone) and cuts the open ones;
/// `up()` opens it again.
final class OutageRelay: @unchecked Sendable {
    let port: Int
    let target: Int
    private let lock = NSLock()
    private var listenFD: Int32 = -1
    private var connections: Set<Int32> = []

    init(target: Int) throws {
        self.target = target
        self.port = DaemonHarness.freePort()
        try up()
    }

    deinit { down() }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    func up() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        lock.withLock { listenFD = fd }
        let t = Thread { [self] in acceptLoop(fd) }
        t.start()
    }

    /// Closes the port and cuts every relayed connection.
    func down() {
        // Under the lock: a relayed socket is taken out of the set (under the lock) before it
        // is closed, so no number shut down here can belong to someone else by now.
        lock.withLock {
            if listenFD >= 0 {
                shutdown(listenFD, Int32(SHUT_RDWR))
                close(listenFD)
            }
            for c in connections { shutdown(c, Int32(SHUT_RDWR)) }
            listenFD = -1
            connections = []
        }
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = Self.loopback(target)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            let registered = ok && lock.withLock { () -> Bool in
                guard listenFD == fd else { return false }
                connections.formUnion([client, upstream])
                return true
            }
            guard registered else {
                close(client)
                close(upstream)
                continue
            }
            let pair = Pair(a: client, b: upstream) { [self] in lock.withLock { _ = connections.subtract([client, upstream]) } }
            Thread { pair.pump(from: client, to: upstream) }.start()
            Thread { pair.pump(from: upstream, to: client) }.start()
        }
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return addr
    }

    /// Both directions of one relayed connection; the last pump to end closes both sockets.
    final class Pair: @unchecked Sendable {
        let a: Int32, b: Int32
        let closed: @Sendable () -> Void
        private let lock = NSLock()
        private var ended = 0

        init(a: Int32, b: Int32, closed: @escaping @Sendable () -> Void) {
            self.a = a
            self.b = b
            self.closed = closed
        }

        func pump(from: Int32, to: Int32) {
            var buf = [UInt8](repeating: 0, count: 16 * 1024)
            loop: while true {
                let n = read(from, &buf, buf.count)
                if n <= 0 { break }
                var sent = 0
                while sent < n {
                    let w = buf.withUnsafeBytes { write(to, $0.baseAddress! + sent, n - sent) }
                    if w <= 0 { break loop }
                    sent += w
                }
            }
            shutdown(a, Int32(SHUT_RDWR))
            shutdown(b, Int32(SHUT_RDWR))
            let last = lock.withLock { ended += 1; return ended == 2 }
            if last {
                closed()
                close(a)
                close(b)
            }
        }
    }
}
