#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// An in-process OpenAI-compatible HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests.
///
/// Why hand-written over POSIX sockets instead of a server library: the tests need byte-level
/// control to inject truncated bodies, wrong `Content-Length`, hangs and dropped connections,
/// which a full server library (NIO, Hummingbird) normalises or hides.
///
/// One thread per connection; keep-alive (several requests per connection, `Content-Length`
/// bodies); `GET /health` answers `200 {"status":"ok"}` (see `setHealthStatus`); every other
/// request goes to the behaviour closure.
///
/// The behaviour closure runs **on the connection's thread**, so it may block: a test can hold a
/// request until released, e.g. `server.setBehavior { req in gate.wait(); return .echo(req) }`
/// with a `DispatchSemaphore` (release with `gate.signal()`; `stop()` does not release it).
public final class FakeOpenAIServer: @unchecked Sendable {
    /// Decides the response for one (non-health) request.
    public typealias Behavior = @Sendable (FakeRequest) -> FakeResponse

    struct State {
        var behavior: Behavior
        var healthStatus = 200
        var requests: [FakeRequest] = []
        var completed: [Bool] = []
        var inFlight = 0
        var maxInFlight = 0
        var connectionsAccepted = 0
        var openConnections: Set<Int32> = []
        var running = false
        var stopped = false
    }

    let state: Mutex<State>
    private let listenFD: Int32
    /// The TCP port the server listens on (chosen by the kernel).
    public let port: Int
    /// Base URL for `LLMClientConfiguration`, e.g. `"http://127.0.0.1:40123/v1"`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    /// Health URL, e.g. `"http://127.0.0.1:40123/health"`.
    public var healthURL: String { "http://127.0.0.1:\(port)/health" }

    /// Binds a listening socket on 127.0.0.1 with an ephemeral port. Call `start()` to serve.
    public init(behavior: @escaping Behavior = FakeResponse.echo) throws {
        signal(SIGPIPE, SIG_IGN)  // a client hanging up must not kill the test process
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw FakeServerError.socket("bind", code)
        }
        guard listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw FakeServerError.socket("listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listenFD = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.state = Mutex(State(behavior: behavior))
    }

    deinit {
        stop()
    }

    /// Starts accepting connections on a background thread. Idempotent.
    public func start() {
        let shouldStart = state.withLock { state -> Bool in
            guard !state.running, !state.stopped else { return false }
            state.running = true
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "FakeOpenAIServer.accept"
        thread.start()
    }

    /// Stops accepting, shuts down open connections (ending hangs and blocked reads) and closes
    /// the listening socket. Idempotent. Does not release behaviours blocked on the test's own gates.
    ///
    /// File descriptors are only shut down here, under the lock, never closed: a number closed
    /// while another thread may still use it can be reused at once by another test's socket
    /// (a client's connection shut down, or a listener's clients taken by our accept()). The
    /// accept loop closes the listening socket when it ends; connections close their own.
    public func stop() {
        let closeListener = state.withLock { state -> Bool? in
            guard !state.stopped else { return nil }
            state.stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))  // wakes accept() with an error
            for fd in state.openConnections { shutdown(fd, Int32(SHUT_RDWR)) }
            return !state.running
        }
        if closeListener == true { close(listenFD) }  // never started: no loop to close it
    }

    /// Replaces the behaviour for requests arriving from now on.
    public func setBehavior(_ behavior: @escaping Behavior) {
        state.withLock { $0.behavior = behavior }
    }

    /// Status answered by `GET /health` (200 by default; llama.cpp answers 503 while loading).
    public func setHealthStatus(_ status: Int) {
        state.withLock { $0.healthStatus = status }
    }

    /// Snapshot of all requests received so far, in arrival order.
    public var requests: [FakeRequest] {
        state.withLock { $0.requests }
    }

    /// Snapshot of the chat completion requests only.
    public var chatRequests: [FakeRequest] {
        requests.filter(\.isChatCompletion)
    }

    /// Per request (same order as `requests`): whether its full response was written.
    public var responseCompleted: [Bool] {
        state.withLock { $0.completed }
    }

    /// Whether the full response to request `index` was written.
    public func isResponseCompleted(_ index: Int) -> Bool {
        state.withLock { index < $0.completed.count ? $0.completed[index] : false }
    }

    /// Number of requests whose full response was written.
    public var completedResponses: Int {
        state.withLock { $0.completed.filter { $0 }.count }
    }

    /// Non-health requests currently being handled (read, not yet fully answered).
    public var inFlight: Int {
        state.withLock { $0.inFlight }
    }

    /// Highest `inFlight` value seen so far.
    public var maxInFlight: Int {
        state.withLock { $0.maxInFlight }
    }

    /// Number of TCP connections accepted so far (keep-alive reuse keeps it low).
    public var connectionsAccepted: Int {
        state.withLock { $0.connectionsAccepted }
    }

    var isStopped: Bool {
        state.withLock { $0.stopped }
    }

    private func acceptLoop() {
        defer { close(listenFD) }
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return  // listening socket shut down by stop()
            }
            let connectionIndex = state.withLock { state -> Int? in
                guard !state.stopped else { return nil }
                state.openConnections.insert(fd)
                state.connectionsAccepted += 1
                return state.connectionsAccepted - 1
            }
            guard let connectionIndex else {
                close(fd)
                return
            }
            var noDelay: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let connection = FakeHTTPConnection(fd: fd, index: connectionIndex, server: self)
            let thread = Thread { connection.run() }
            thread.name = "FakeOpenAIServer.connection.\(connectionIndex)"
            thread.start()
        }
    }

    /// Called by a connection when it has closed its socket.
    func connectionClosed(_ fd: Int32) {
        state.withLock { _ = $0.openConnections.remove(fd) }
    }
}

/// Errors thrown by `FakeOpenAIServer.init`.
public enum FakeServerError: Error, CustomStringConvertible {
    case socket(String, Int32)

    public var description: String {
        switch self {
        case .socket(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
