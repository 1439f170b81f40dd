import Foundation
import Synchronization

/// An in-process HTTP/1.1 endpoint on 127.0.0.1 that records each request and answers a chosen
/// status. One request per connection (`Connection: close`); `Content-Length` bodies only.
public final class WebhookReceiver: Sendable {
    /// One recorded request.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]

        /// A header by case-insensitive name.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    private struct State {
        var status: Int
        var requests: [Request] = []
    }

    private let listener: LoopbackListener
    private let state: Mutex<State>

    /// The port the receiver listens on.
    public var port: Int { listener.port }
    /// `http://127.0.0.1:<port>/hooks/guichet`.
    public var url: String { "http://127.0.0.1:\(port)/hooks/guichet" }

    /// Binds a socket on 127.0.0.1 with an ephemeral port and starts serving.
    public init(status: Int = 204) throws {
        self.listener = try LoopbackListener()
        self.state = Mutex(State(status: status))
        listener.start(name: "WebhookReceiver") { [self] connection in serve(connection) }
    }

    deinit { listener.stop() }

    /// Stops serving.
    public func stop() { listener.stop() }

    /// The status answered from now on.
    public func setStatus(_ status: Int) { state.withLock { $0.status = status } }

    /// The requests received so far.
    public var requests: [Request] { state.withLock { $0.requests } }

    private func serve(_ connection: SocketConnection) {
        guard let requestLine = connection.readLine() else { return }
        let parts = String(decoding: requestLine, as: UTF8.self).split(separator: " ").map(String.init)
        guard parts.count == 3 else { return }
        var headers: [String: String] = [:]
        while let raw = connection.readLine(), !raw.isEmpty {
            let line = String(decoding: raw, as: UTF8.self)
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if headers["expect"]?.lowercased() == "100-continue" { connection.send("HTTP/1.1 100 Continue\r\n\r\n") }
        guard let body = connection.readExactly(max(0, length)) else { return }
        let status = state.withLock { state -> Int in
            state.requests.append(Request(method: parts[0], path: parts[1], headers: headers, body: body))
            return state.status
        }
        let text = status < 300 ? "" : "{\"error\":\"receiver says \(status)\"}"
        connection.send("HTTP/1.1 \(status) Status\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)")
    }
}
