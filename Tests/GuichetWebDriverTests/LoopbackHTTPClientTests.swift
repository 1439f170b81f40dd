import Foundation
@testable import GuichetWebDriver
import Testing

/// The raw HTTP client chromedriver is spoken to with: its parsing, and that its blocking
/// waits stay off Swift's cooperative pool.
struct LoopbackHTTPClientTests {
    @Test func acceptsHeadersWithoutSpaceAfterTheColon() throws {
        // chromedriver's own spelling, which FoundationNetworking's URLSession rejects on Linux.
        let raw = "HTTP/1.1 200 OK\r\nContent-Length:11\r\nContent-Type:application/json; charset=utf-8\r\n\r\n{\"value\":1}"
        let response = try #require(try LoopbackHTTPClient.parse(Data(raw.utf8), complete: false))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"value":1}"#)
        // Still waiting for the body's end: not a response yet.
        #expect(try LoopbackHTTPClient.parse(Data(raw.utf8).dropLast(3), complete: false) == nil)
    }

    @Test func decodesChunkedAndCloseDelimitedBodies() throws {
        let chunked = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n"
        let response = try #require(try LoopbackHTTPClient.parse(Data(chunked.utf8), complete: true))
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self) == "abcdefg")

        let unsized = try #require(try LoopbackHTTPClient.parse(Data("HTTP/1.0 200 OK\r\n\r\nrest".utf8), complete: true))
        #expect(String(decoding: unsized.body, as: UTF8.self) == "rest")
        #expect(throws: HTTPFailure.self) { try LoopbackHTTPClient.parse(Data("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort".utf8), complete: true) }
        #expect(throws: HTTPFailure.self) { try LoopbackHTTPClient.parse(Data("SSH-2.0\r\n\r\n".utf8), complete: true) }
    }

    @Test(.timeLimit(.minutes(1)))
    func slowAnswersDoNotStarveTheCooperativePool() async throws {
        // Each answer takes 1.5 s on the server's own thread; eight at once is four per core.
        let server = try TestHTTPServer { _ in
            Thread.sleep(forTimeInterval: 1.5)
            return HTTPResponse(status: 200, reason: "OK", body: Data("late".utf8))
        }
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: server.port)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { try await client.request("GET", "/slow", body: nil, contentType: nil, timeout: 30).status }
            }
            // Were the pool's threads blocked in recv, these ticks would wait for the answers.
            for _ in 0..<5 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(ContinuousClock.now - started < .seconds(1), "ticks took \(ContinuousClock.now - started)")
            for try await status in group { #expect(status == 200) }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingEndsARequestBlockedOnTheServer() async throws {
        let server = try TestHTTPServer { _ in
            Thread.sleep(forTimeInterval: 3)
            return HTTPResponse(status: 200, reason: "OK")
        }
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: server.port)
        let request = Task { try await client.request("GET", "/hang", body: nil, contentType: nil, timeout: 30) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        request.cancel()
        await #expect(throws: CancellationError.self) { _ = try await request.value }
        #expect(ContinuousClock.now - cancelled < .seconds(2))
    }

    @Test func refusedConnectionIsATransportError() async throws {
        let transport = WebDriverTransport(port: try ChromeDriver.freePort())
        let error = await #expect(throws: WebDriverError.self) { _ = try await transport.get("status", timeout: 2) }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("Connection refused") == true, "\(String(describing: error))")
    }
}
