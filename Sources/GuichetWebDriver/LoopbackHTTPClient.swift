import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client for one server on 127.0.0.1: one connection per request.
///
/// Why not URLSession: FoundationNetworking on Linux (Swift 6.3) rejects response headers
/// without a space after the colon ("Failed writing header"), and chromedriver sends exactly
/// `Content-Length:250` (fixed upstream by swift-corelibs-foundation PR #5527, not in 6.3.1).
///
/// Sockets block, so each exchange runs through `BlockingWork`, never on Swift's cooperative
/// pool. Cancelling the task shuts the socket down, which ends the blocked call at once.
struct LoopbackHTTPClient: Sendable {
    let port: Int

    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    /// Sends a request and reads the whole response. `timeout` bounds each wait for the server
    /// (the idle time), as URLSession's `timeoutInterval` does.
    func request(_ method: String, _ path: String, body: Data?, contentType: String?, timeout: TimeInterval) async throws -> Response {
        let socket = SocketBox()
        do {
            return try await withTaskCancellationHandler {
                try await BlockingWork.run("http") {
                    try exchange(socket, method, path, body: body, contentType: contentType, timeout: timeout)
                }
            } onCancel: {
                socket.cancel()
            }
        } catch {
            // The shut-down socket reads as a closed connection: say what really happened.
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }

    private func exchange(_ socket: SocketBox, _ method: String, _ path: String, body: Data?, contentType: String?, timeout: TimeInterval) throws -> Response {
        defer { socket.release() }
        let fd = try socket.open(port: port, timeout: timeout)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
        try sendAll(fd, Data(head.utf8) + (body ?? Data()))

        // Connection: close, so the response ends where the stream does (or at Content-Length).
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[..<count])
                if let response = try Self.parse(received, complete: false) { return response }
            } else if count == 0 {
                guard let response = try Self.parse(received, complete: true) else { throw HTTPFailure("connection closed before the response ended") }
                return response
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw HTTPFailure("no answer within \(Int(timeout)) s")
            } else {
                throw HTTPFailure("recv failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The response once `data` holds all of it; nil while more is expected.
    static func parse(_ data: Data, complete: Bool) throws -> Response? {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else {
            if complete { throw HTTPFailure("no HTTP head in \(data.count) bytes") }
            return nil
        }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw HTTPFailure("not an HTTP status line: \(lines[0].prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            // Optional whitespace after the colon, as RFC 9110 allows and chromedriver uses.
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = data[end.upperBound...]
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard complete else { return nil }  // Connection: close marks the end
            return Response(status: status, body: try dechunk(Data(body)))
        }
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            if body.count >= length { return Response(status: status, body: Data(body.prefix(length))) }
            if complete { throw HTTPFailure("body ended after \(body.count) of \(length) bytes") }
            return nil
        }
        return complete ? Response(status: status, body: Data(body)) : nil
    }

    private static func dechunk(_ data: Data) throws -> Data {
        var output = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw HTTPFailure("bad chunk size") }
            if size == 0 { return output }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { throw HTTPFailure("truncated chunk") }
            output.append(rest[start..<(start + size)])
            rest = rest[(start + size + 2)...]
        }
        throw HTTPFailure("chunked body without its last chunk")
    }

    private func sendAll(_ fd: Int32, _ data: Data) throws {
        var offset = 0
        while offset < data.count {
            let sent = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, data.count - offset, sendFlags) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw HTTPFailure("send failed: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }
}

// A peer gone mid-send must fail the request, not raise SIGPIPE in the test process.
#if os(Linux)
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let sendFlags: Int32 = 0
#endif

/// Why an exchange failed, in words; the transport turns it into a `WebDriverError`.
struct HTTPFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The socket of one exchange, shared with the cancellation handler so it can shut it down.
private final class SocketBox: Sendable {
    private let state = Mutex<(fd: Int32, cancelled: Bool)>((-1, false))

    func open(port: Int, timeout: TimeInterval) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPFailure("socket failed: \(String(cString: strerror(errno)))") }
        let cancelled = state.withLock { state in
            state.fd = fd
            return state.cancelled
        }
        guard !cancelled else { throw CancellationError() }
        var limit = timeval(tv_sec: max(1, Int(timeout)), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HTTPFailure("connect to 127.0.0.1:\(port) failed: \(String(cString: strerror(errno)))") }
        return fd
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if state.fd >= 0 { _ = shutdown(state.fd, Int32(SHUT_RDWR)) }
        }
    }

    func release() {
        state.withLock { state in
            if state.fd >= 0 { _ = close(state.fd) }
            state.fd = -1
        }
    }
}
