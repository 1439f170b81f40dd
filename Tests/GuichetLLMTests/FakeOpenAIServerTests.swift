import Dispatch
import Foundation
import GuichetLLM
import GuichetTestSupport
import Testing

@Suite("FakeOpenAIServer bookkeeping")
struct FakeOpenAIServerTests {
    @Test("requests are recorded in order with completion flags")
    func recording() async throws {
        let server = try makeServer(FakeResponse.sequence([.hang(seconds: 5)]))
        defer { server.stop() }
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)/v1")
        let client = makeClient(server, requestTimeout: 0.3, maxAttempts: 2)
        let completion = try await client.complete(request("second try"))
        #expect(completion.attempts == 2)
        _ = await HTTPProbe().get(url: server.healthURL)

        let requests = server.requests
        #expect(requests.map(\.index) == [0, 1, 2])
        #expect(requests.map(\.path) == ["/v1/chat/completions", "/v1/chat/completions", "/health"])
        #expect(requests[1].lastUserMessage == "second try")
        // The hung request never got a response; the retry and the probe did.
        #expect(await waitUntil { server.completedResponses == 2 })
        #expect(server.responseCompleted == [false, true, true])
        #expect(!server.isResponseCompleted(0))
        #expect(server.isResponseCompleted(1))
        #expect(requests[0].arrivalUptimeNanoseconds <= requests[1].arrivalUptimeNanoseconds)
    }

    @Test("a behaviour can hold a request until the test releases it")
    func gate() async throws {
        let gate = DispatchSemaphore(value: 0)
        let server = try makeServer { request in
            gate.wait()  // runs on the connection's thread, so blocking is fine
            return .echo(request)
        }
        defer { server.stop() }
        let client = makeClient(server)
        let task = Task { try await client.complete(request("held")) }
        #expect(await waitUntil { server.inFlight == 1 })
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(server.completedResponses == 0)
        gate.signal()
        #expect(try await task.value.content == "held")
        // The server marks a response complete after its last byte is written, which can be a
        // moment after the client has read it.
        #expect(await waitUntil { server.inFlight == 0 && server.completedResponses == 1 })
    }
}
