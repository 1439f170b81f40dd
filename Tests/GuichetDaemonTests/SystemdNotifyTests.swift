import Foundation
import GuichetTestSupport
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The real daemon under a stand-in for systemd: a datagram socket in `$NOTIFY_SOCKET`.
struct SystemdNotifyTests {
    @Test func readyWatchdogStatusAndStopping() async throws {
        let server = try FakeOpenAIServer()
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: "[llm]\nbackend = \"remote\"\nurl = \"\(server.baseURL)\"\n")
        let socketPath = h.root.appendingPathComponent("notify.sock").path
        let fd = try bindDatagramSocket(socketPath)
        defer { close(fd) }
        try h.startDaemon(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "1000000"])
        defer { h.stopDaemon() }
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(seen.contains { $0.contains("READY=1") } && seen.contains("WATCHDOG=1")) {
            if let m = receive(fd, timeoutMs: 500) { seen.append(m) }
        }
        let ready = try #require(seen.first { $0.contains("READY=1") })
        #expect(ready.contains("STATUS=0 queued, 0 processing"))
        #expect(seen.contains("WATCHDOG=1"))
        #expect(h.stopDaemon() == 0)
        var rest: [String] = []
        while let m = receive(fd, timeoutMs: 500) { rest.append(m) }
        #expect(rest.contains("STOPPING=1"))
    }

    func bindDatagramSocket(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in path.utf8.enumerated() { buf[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.EADDRINUSE) }
        return fd
    }

    func receive(_ fd: Int32, timeoutMs: Int32) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMs) > 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, 0)
        return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : nil
    }
}
