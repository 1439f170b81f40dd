#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// One HTTP request as the test server read it.
struct HTTPRequest: Sendable {
    var method: String
    /// The request target, e.g. `/login?next=1`.
    var target: String
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    var path: String { String(target.prefix { $0 != "?" }) }
}

/// What the test server answers.
struct HTTPResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(String, String)] = []
    var body: Data = Data()
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (kernel-chosen port) for browser tests.
///
/// Hand-written on POSIX sockets so the test target needs no server library. One request per
/// connection (`Connection: close`), which Chromium accepts and which keeps the parser short.
/// Each connection has its own thread: `accept` and `recv` block, and must never do so on
/// Swift's cooperative pool. `stop()` shuts sockets down, which ends every blocked call.
final class TestHTTPServer: Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private struct State {
        var requests: [HTTPRequest] = []
        var open: Set<Int32> = []
        var stopped = false
    }

    let port: Int
    private let listenFD: Int32
    private let handler: Handler
    private let state = Mutex(State())

    /// Binds and starts accepting at once.
    init(handler: @escaping Handler) throws {
        signal(SIGPIPE, SIG_IGN)  // a browser closing early must not kill the test process
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let code = errno
            close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        self.listenFD = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "TestHTTPServer.accept"
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Every request read so far, in arrival order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// Stops accepting and ends open connections. Idempotent.
    func stop() {
        let open = state.withLock { state -> Set<Int32>? in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.open
        }
        guard let open else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return  // stop() shut the socket down
            }
            let accepted = state.withLock { state in
                if !state.stopped { state.open.insert(fd) }
                return !state.stopped
            }
            guard accepted else { close(fd); return }
            // Chromium opens speculative connections it may never use: don't wait on them forever.
            var timeout = timeval(tv_sec: 15, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in serve(fd) }
            thread.name = "TestHTTPServer.connection"
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            state.withLock { _ = $0.open.remove(fd) }
            close(fd)
        }
        guard let request = readRequest(fd) else { return }
        state.withLock { $0.requests.append(request) }
        let response = handler(request)
        var head = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        _ = sendAll(fd, Data(head.utf8) + (request.method == "HEAD" ? Data() : response.body))
    }

    /// Reads the head up to the blank line, then a `Content-Length` body; nil on a closed or
    /// malformed connection.
    private func readRequest(_ fd: Int32) -> HTTPRequest? {
        var buffer = Data()
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            guard buffer.count < 64 * 1024, receive(fd, into: &buffer) else { return nil }
        }
        let end = buffer.range(of: separator)!
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(buffer[end.upperBound...])
        while body.count < length {
            guard receive(fd, into: &body) else { return nil }
        }
        return HTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body.prefix(length))
    }

    private func receive(_ fd: Int32, into buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func sendAll(_ fd: Int32, _ data: Data) -> Bool {
        var offset = 0
        while offset < data.count {
            let sent = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, data.count - offset, 0) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
