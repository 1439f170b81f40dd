#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// One accepted TCP connection of `FakeOpenAIServer`, served on its own thread.
///
/// Parses HTTP/1.1 requests (request line, headers, `Content-Length` body; answers
/// `Expect: 100-continue`), records each one, asks the behaviour for a `FakeResponse` and writes
/// it byte by byte. Loops while the connection is kept alive.
final class FakeHTTPConnection: @unchecked Sendable {
    private let fd: Int32
    private let index: Int
    private let server: FakeOpenAIServer
    private var buffer: [UInt8] = []

    init(fd: Int32, index: Int, server: FakeOpenAIServer) {
        self.fd = fd
        self.index = index
        self.server = server
    }

    func run() {
        defer {
            server.connectionClosed(fd)
            close(fd)
        }
        while !server.isStopped {
            guard let head = readHead() else { return }
            var body: [UInt8] = []
            if head.contentLength > 0 {
                if head.headers["expect"]?.lowercased() == "100-continue" {
                    guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
                guard let bytes = readExactly(head.contentLength) else { return }
                body = bytes
            }
            guard handle(head, body: body) else { return }
        }
    }

    // MARK: - Request parsing

    private struct Head {
        var method: String
        var path: String
        var version: String
        var headers: [String: String]
        var contentLength: Int
        var keepAlive: Bool
    }

    /// Reads up to the blank line ending the headers; nil when the peer closed or sent garbage.
    private func readHead() -> Head? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = firstRange(of: terminator) {
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + terminator.count)
                return parseHead(text)
            }
            if buffer.count > 1 << 20 { return nil }
            guard receiveMore() else { return nil }
        }
    }

    private func parseHead(_ text: String) -> Head? {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let version = requestLine[2]
        let keepAlive = version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
        return Head(
            method: requestLine[0], path: requestLine[1], version: version, headers: headers,
            contentLength: Int(headers["content-length"] ?? "0") ?? 0, keepAlive: keepAlive
        )
    }

    private func readExactly(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard receiveMore() else { return nil }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private func receiveMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
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

    private func firstRange(of pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for start in 0...(buffer.count - pattern.count) where buffer[start] == pattern[0] {
            if Array(buffer[start..<(start + pattern.count)]) == pattern { return start }
        }
        return nil
    }

    // MARK: - Responses

    /// Records and answers one request; returns whether the connection stays open.
    private func handle(_ head: Head, body: [UInt8]) -> Bool {
        let isHealth = head.method == "GET" && (head.path == "/health" || head.path == "/v1/health")
        let (request, behavior, healthStatus) = server.state.withLock { state in
            let request = FakeRequest(
                index: state.requests.count, connectionIndex: index, method: head.method, path: head.path,
                headers: head.headers, bodyBytes: body, arrivalUptimeNanoseconds: DispatchTime.now().uptimeNanoseconds
            )
            state.requests.append(request)
            state.completed.append(false)
            if !isHealth {
                state.inFlight += 1
                state.maxInFlight = max(state.maxInFlight, state.inFlight)
            }
            return (request, state.behavior, state.healthStatus)
        }

        if isHealth {
            let status = healthStatus == 200 ? #"{"status":"ok"}"# : #"{"error":{"message":"Loading model"}}"#
            return respond(request, status: healthStatus, headers: [:], body: Array(status.utf8), keepAlive: head.keepAlive, countsInFlight: false)
        }

        switch behavior(request) {
        case .chat(let content, let promptTokens, let completionTokens, let delay):
            guard wait(seconds: delay) else { return leave(request) }
            let json = FakeResponse.chatBody(
                content: content, model: request.model ?? "fake-model",
                promptTokens: promptTokens, completionTokens: completionTokens, id: request.index
            )
            return respond(request, status: 200, headers: [:], body: json, keepAlive: head.keepAlive)

        case .status(let status, let text, let headers, let delay):
            guard wait(seconds: delay) else { return leave(request) }
            return respond(request, status: status, headers: headers, body: Array(text.utf8), keepAlive: head.keepAlive)

        case .hang(let seconds):
            _ = wait(seconds: seconds)
            return leave(request)

        case .malformedJSON:
            let text = #"{"id":"chatcmpl-broken","choices":[{"message":{"role":"assistant","content":"unterminated"#
            return respond(request, status: 200, headers: [:], body: Array(text.utf8), keepAlive: head.keepAlive)

        case .wrongShape:
            let text = #"{"object":"list","data":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#
            return respond(request, status: 200, headers: [:], body: Array(text.utf8), keepAlive: head.keepAlive)

        case .truncated:
            let json = FakeResponse.chatBody(content: "truncated answer", model: request.model ?? "fake-model",
                                             promptTokens: 10, completionTokens: 10, id: request.index)
            let sent = Array(json[..<(json.count / 2)])
            server.state.withLock { $0.inFlight -= 1 }
            let head = responseHead(status: 200, headers: [:], contentLength: json.count + 100, keepAlive: true)
            _ = sendAll(head + sent)
            return false  // close: the client sees fewer bytes than announced

        case .closeConnection:
            return leave(request)
        }
    }

    /// Ends a request without a (complete) response; the connection is then closed.
    private func leave(_ request: FakeRequest) -> Bool {
        server.state.withLock { $0.inFlight -= 1 }
        return false
    }

    private func respond(
        _ request: FakeRequest, status: Int, headers: [String: String], body: [UInt8], keepAlive: Bool,
        countsInFlight: Bool = true
    ) -> Bool {
        // Leave the in-flight count *before* writing, so the count never exceeds what the
        // client really has outstanding (the client may start its next request as soon as it reads).
        if countsInFlight { server.state.withLock { $0.inFlight -= 1 } }
        let head = responseHead(status: status, headers: headers, contentLength: body.count, keepAlive: keepAlive)
        guard sendAll(head + body) else { return false }
        server.state.withLock { $0.completed[request.index] = true }
        return keepAlive
    }

    private func responseHead(status: Int, headers: [String: String], contentLength: Int, keepAlive: Bool) -> [UInt8] {
        var lines = ["HTTP/1.1 \(status) \(FakeResponse.reasonPhrase(status))"]
        let lowercasedNames = Set(headers.keys.map { $0.lowercased() })
        if !lowercasedNames.contains("content-type") { lines.append("Content-Type: application/json") }
        lines.append("Content-Length: \(contentLength)")
        lines.append("Connection: \(keepAlive ? "keep-alive" : "close")")
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// Sleeps up to `seconds`; returns false early when the client disconnected or the server
    /// stopped (so hung requests do not outlive the test).
    private func wait(seconds: Double) -> Bool {
        guard seconds > 0 else { return true }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1_000_000_000)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if server.isStopped { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 20)
            if ready > 0 {
                var probe: UInt8 = 0
                let peeked = recv(fd, &probe, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
                if peeked == 0 { return false }  // orderly close by the client
                if peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { return false }
                usleep(20_000)  // pipelined data waiting: do not spin
            }
        }
        return true
    }
}
