import GuichetLLM
import GuichetTestSupport
import Testing

@Suite("HTTPProbe")
struct HTTPProbeTests {
    @Test("GET /health reports the status code")
    func health() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let probe = HTTPProbe()
        #expect(await probe.get(url: server.healthURL, timeout: 2) == 200)
        #expect(await probe.isHealthy(url: server.healthURL))
        server.setHealthStatus(503)
        #expect(await probe.get(url: server.healthURL, timeout: 2) == 503)
        #expect(await !probe.isHealthy(url: server.healthURL))
        #expect(server.requests.filter { $0.path == "/health" }.count == 4)
    }

    @Test("closed port → nil")
    func closed() async throws {
        let port = try closedPort()
        #expect(await HTTPProbe().get(url: "http://127.0.0.1:\(port)/health", timeout: 1) == nil)
    }

    @Test("hanging server → nil after the timeout")
    func hanging() async throws {
        let server = try makeServer { _ in .hang(seconds: 30) }
        defer { server.stop() }
        let (status, elapsed) = await measure { await HTTPProbe().get(url: "http://127.0.0.1:\(server.port)/slow", timeout: 0.3) }
        #expect(status == nil)
        #expect(elapsed < 20, "the 30 s hang was cut by the 0.3 s timeout")
    }
}
