import Dispatch
import Foundation
import GuichetLLM
import GuichetTestSupport
import Logging
import Synchronization
import Testing

@Suite("CurlChatClient against FakeOpenAIServer")
struct CurlChatClientTests {
    @Test("success: content, usage, finish reason and request body")
    func success() async throws {
        let server = try makeServer { _ in .chat(content: "Bonjour « monde » — 東京\n\"ok\"", promptTokens: 42, completionTokens: 7) }
        defer { server.stop() }
        let client = makeClient(server)

        let completion = try await client.complete(
            ChatRequest(model: "qwen-test", messages: [.system("sys"), .user("Hello")], maxTokens: 64)
        )

        #expect(completion.content == "Bonjour « monde » — 東京\n\"ok\"")
        #expect(completion.promptTokens == 42)
        #expect(completion.completionTokens == 7)
        #expect(completion.finishReason == "stop")
        #expect(completion.model == "qwen-test")
        #expect(completion.attempts == 1)

        let sent = try #require(server.chatRequests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("content-type") == "application/json")
        #expect(sent.model == "qwen-test")
        #expect(sent.temperature == 0)
        #expect(sent.maxTokens == 64)
        #expect(sent.responseFormatType == nil)
        #expect(sent.messages.map(\.role) == ["system", "user"])
        #expect(sent.messages.map(\.content) == ["sys", "Hello"])
    }

    @Test("jsonMode sends response_format json_object; echo round-trips text")
    func jsonModeAndEcho() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = makeClient(server)
        let text = "Ligne 1\nLigne 2 \\ \"guillemets\" \u{1F600}"
        let completion = try await client.complete(request(text, jsonMode: true))
        #expect(completion.content == text)
        #expect(server.chatRequests.first?.responseFormatType == "json_object")
    }

    @Test("usage is optional: missing usage gives 0 tokens")
    func usageOptional() async throws {
        let body = #"{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"length"}]}"#
        let server = try makeServer { _ in .status(200, body: body) }
        defer { server.stop() }
        let completion = try await makeClient(server).complete(request("x"))
        #expect(completion.content == "hi")
        #expect(completion.promptTokens == 0)
        #expect(completion.completionTokens == 0)
        #expect(completion.finishReason == "length")
    }

    @Test("Authorization only when a key is set; key and message text never logged")
    func authorizationAndLogging() async throws {
        let secretKey = "sk-test-SECRET-4f1c2d"
        let secretText = "CONFIDENTIAL-document-text-7781"
        let server = try makeServer(FakeResponse.sequence([.status(500, body: "boom")]))
        defer { server.stop() }
        let capture = LogCapture()

        let withKey = makeClient(server, apiKey: secretKey, logger: capture.logger())
        let completion = try await withKey.complete(request(secretText))
        #expect(completion.content == secretText)
        #expect(completion.attempts == 2)

        let withoutKey = makeClient(server, apiKey: nil, logger: capture.logger())
        _ = try await withoutKey.complete(request("no key here"))

        // A failing call also logs (warning path).
        server.setBehavior { _ in .status(400, body: #"{"error":{"message":"bad request"}}"#) }
        _ = await expectLLMError { try await withKey.complete(request(secretText)) }

        let requests = server.chatRequests
        #expect(requests.count == 4)
        #expect(requests[0].header("authorization") == "Bearer \(secretKey)")
        #expect(requests[1].header("authorization") == "Bearer \(secretKey)")
        #expect(requests[2].header("authorization") == nil)
        #expect(requests[3].header("authorization") == "Bearer \(secretKey)")

        let logs = capture.allText
        #expect(!capture.records.isEmpty, "the client should log something at trace level")
        #expect(logs.contains("guichet.llm.attempt"))
        #expect(logs.contains("guichet.llm.latency_ms"))
        #expect(logs.contains("guichet.llm.status=500"))
        #expect(!logs.contains(secretKey))
        #expect(!logs.contains("SECRET"))
        #expect(!logs.contains(secretText))
        #expect(!logs.contains("You are a test."))
    }

    @Test("429 with Retry-After is honoured, then success")
    func rateLimitedRetryAfter() async throws {
        let server = try makeServer(FakeResponse.sequence([
            .status(429, body: #"{"error":{"message":"slow down"}}"#, headers: ["Retry-After": "1"]),
        ]))
        defer { server.stop() }
        // Backoff alone would wait at most 0.05 s: a ~1 s gap proves Retry-After was used.
        let client = makeClient(server, initialBackoff: 0.01, maxBackoff: 5)
        let completion = try await client.complete(request("after the limit"))
        #expect(completion.attempts == 2)
        #expect(completion.content == "after the limit")

        let requests = server.chatRequests
        #expect(requests.count == 2)
        if requests.count == 2 {
            let gap = Double(requests[1].arrivalUptimeNanoseconds - requests[0].arrivalUptimeNanoseconds) / 1e9
            #expect(gap >= 0.9, "Retry-After: 1 should delay the retry by about a second (gap \(gap) s)")
            #expect(gap < 20, "far below the 30 s a hang would take, loose enough for a loaded machine")
        }
    }

    @Test("Retry-After is capped by maxBackoff")
    func retryAfterCapped() async throws {
        let server = try makeServer(FakeResponse.sequence([
            .status(503, body: "loading", headers: ["Retry-After": "120"]),
        ]))
        defer { server.stop() }
        let client = makeClient(server, maxBackoff: 0.2)
        let (completion, elapsed) = try await measure { try await client.complete(request("capped")) }
        #expect(completion.attempts == 2)
        #expect(elapsed < 20, "capped well below the 120 s asked (loose: the machine may be loaded)")
    }

    @Test("500 twice, then success")
    func serverErrorThenSuccess() async throws {
        let server = try makeServer(FakeResponse.sequence([
            .status(500, body: "internal"), .status(502, body: "bad gateway"),
        ]))
        defer { server.stop() }
        let completion = try await makeClient(server, maxAttempts: 5).complete(request("third time"))
        #expect(completion.attempts == 3)
        #expect(completion.content == "third time")
        #expect(server.chatRequests.count == 3)
    }

    @Test("500 forever: transient serverError after maxAttempts")
    func serverErrorForever() async throws {
        let server = try makeServer { _ in .status(500, body: #"{"error":{"message":"model crashed"}}"#) }
        defer { server.stop() }
        let error = try #require(await expectLLMError { try await makeClient(server, maxAttempts: 3).complete(request("x")) })
        #expect(error.code == .serverError)
        #expect(error.isTransient)
        #expect(error.attempts == 3)
        #expect(error.httpStatus == 500)
        #expect(error.message.contains("model crashed"))
        #expect(server.chatRequests.count == 3)
    }

    @Test("400: clientError with the server's message, not retried, not transient")
    func clientError() async throws {
        let server = try makeServer { _ in
            .status(400, body: #"{"error":{"message":"'messages' must not be empty","type":"invalid_request_error"}}"#)
        }
        defer { server.stop() }
        let secretText = "do-not-echo-this-prompt"
        let error = try #require(await expectLLMError { try await makeClient(server).complete(request(secretText)) })
        #expect(error.code == .clientError)
        #expect(!error.isTransient)
        #expect(error.httpStatus == 400)
        #expect(error.attempts == 1)
        #expect(error.message.contains("'messages' must not be empty"))
        #expect(!error.description.contains(secretText))
        #expect(server.chatRequests.count == 1)
    }

    @Test("plain-text 4xx body becomes the message")
    func plainTextClientError() async throws {
        let server = try makeServer { _ in .status(404, body: "no such route", headers: ["Content-Type": "text/plain"]) }
        defer { server.stop() }
        let error = try #require(await expectLLMError { try await makeClient(server).complete(request("x")) })
        #expect(error.code == .clientError)
        #expect(error.httpStatus == 404)
        #expect(error.message.contains("no such route"))
    }

    @Test("400 context length → contextLengthExceeded", arguments: [
        #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9000,"n_ctx":4096}}"#,
        #"{"error":{"message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
        #"{"object":"error","message":"This model's maximum context length is 2048 tokens. However, you requested 3000 tokens (2900 in the messages, 100 in the completion).","type":"BadRequestError","code":400}"#,
        "Input has too many tokens for n_ctx",
    ])
    func contextLength(body: String) async throws {
        let server = try makeServer { _ in .status(400, body: body) }
        defer { server.stop() }
        let error = try #require(await expectLLMError { try await makeClient(server).complete(request("long")) })
        #expect(error.code == .contextLengthExceeded)
        #expect(!error.isTransient)
        #expect(error.attempts == 1)
        #expect(server.chatRequests.count == 1)
    }

    @Test("hang past requestTimeout → transient timedOut")
    func timeout() async throws {
        let server = try makeServer { _ in .hang(seconds: 30) }
        defer { server.stop() }
        let client = makeClient(server, requestTimeout: 0.5, maxAttempts: 2)
        let (error, elapsed) = await measure { await expectLLMError { try await client.complete(request("slow")) } }
        let llmError = try #require(error)
        #expect(llmError.code == .timedOut)
        #expect(llmError.isTransient)
        #expect(llmError.attempts == 2)
        #expect(server.chatRequests.count == 2)
        #expect(elapsed >= 0.9)
        #expect(elapsed < 25, "the 30 s hang was cut by the timeout")
    }

    @Test("malformed JSON, wrong shape, truncated body: retried, then malformedResponse",
          arguments: ["malformedJSON", "wrongShape", "truncated"])
    func malformed(kind: String) async throws {
        let response: FakeResponse = switch kind {
        case "malformedJSON": .malformedJSON
        case "wrongShape": .wrongShape
        default: .truncated
        }
        let server = try makeServer { _ in response }
        defer { server.stop() }
        let error = try #require(await expectLLMError { try await makeClient(server, maxAttempts: 3).complete(request("x")) })
        #expect(error.code == .malformedResponse)
        #expect(!error.isTransient)
        #expect(error.attempts == 3)
        #expect(server.chatRequests.count == 3)
    }

    @Test("a truncated body once is retried transparently")
    func truncatedThenSuccess() async throws {
        let server = try makeServer(FakeResponse.sequence([.truncated]))
        defer { server.stop() }
        let completion = try await makeClient(server).complete(request("whole"))
        #expect(completion.attempts == 2)
        #expect(completion.content == "whole")
        #expect(server.responseCompleted.first == false)
    }

    @Test("dropped connection: retried, transient connectionFailed at the end")
    func droppedConnection() async throws {
        let server = try makeServer { _ in .closeConnection }
        defer { server.stop() }
        let error = try #require(await expectLLMError { try await makeClient(server, maxAttempts: 2).complete(request("x")) })
        #expect(error.code == .connectionFailed)
        #expect(error.isTransient)
        #expect(error.attempts == 2)
        #expect(error.underlying != nil)
    }

    @Test("connection refused → transient connectionFailed")
    func connectionRefused() async throws {
        let port = try closedPort()
        let client = makeClient(baseURL: "http://127.0.0.1:\(port)/v1", maxAttempts: 2)
        let error = try #require(await expectLLMError { try await client.complete(request("x")) })
        #expect(error.code == .connectionFailed)
        #expect(error.isTransient)
        #expect(error.attempts == 2)
        #expect(error.httpStatus == nil)
    }

    @Test("keep-alive: sequential requests reuse one connection")
    func keepAlive() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let client = makeClient(server)
        for index in 0..<5 {
            let completion = try await client.complete(request("n\(index)"))
            #expect(completion.content == "n\(index)")
        }
        #expect(server.chatRequests.count == 5)
        #expect(server.connectionsAccepted == 1)
    }

    @Test("concurrency bound: 12 parallel calls, at most 3 in flight")
    func concurrencyBound() async throws {
        let server = try makeServer { request in
            .chat(content: request.lastUserMessage ?? "", delay: 0.15)
        }
        defer { server.stop() }
        let client = makeClient(server, maxConcurrentRequests: 3)
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<12 {
                group.addTask { (index, try await client.complete(request("job \(index)")).content) }
            }
            var results: [Int: String] = [:]
            for try await (index, content) in group { results[index] = content }
            return results
        }
        #expect(results.count == 12)
        for index in 0..<12 { #expect(results[index] == "job \(index)") }
        #expect(server.chatRequests.count == 12)
        #expect(server.maxInFlight <= 3)
        #expect(server.maxInFlight >= 2)
        #expect(server.connectionsAccepted <= 3, "pooled handles should keep their connections")
    }

    @Test("8 parallel requests really run in parallel (8 lanes, 8 connections)")
    func eightInParallel() async throws {
        // Each request is held until all 8 have arrived (or 5 s passed): only true parallelism
        // on the client side lets maxInFlight reach 8 quickly.
        let arrivals = Mutex(0)
        let server = try makeServer { request in
            arrivals.withLock { $0 += 1 }
            let deadline = Date().addingTimeInterval(5)
            while arrivals.withLock({ $0 }) < 8 && Date() < deadline { usleep(5_000) }
            return .echo(request)
        }
        defer { server.stop() }
        let client = makeClient(server, maxConcurrentRequests: 8)
        let (count, _) = try await measure {
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 { group.addTask { try await client.complete(request("p\(index)")).content } }
                var count = 0
                for try await _ in group { count += 1 }
                return count
            }
        }
        #expect(count == 8)
        #expect(server.maxInFlight == 8)
    }

    @Test("cancelling the calling task aborts a hanging request quickly")
    func cancellation() async throws {
        let server = try makeServer { _ in .hang(seconds: 30) }
        defer { server.stop() }
        let client = makeClient(server, requestTimeout: 60, maxAttempts: 5)
        let task = Task { try await client.complete(request("never answered")) }
        #expect(await waitUntil { server.chatRequests.count == 1 })
        let (result, elapsed) = await measure { () -> Result<ChatCompletion, any Error> in
            task.cancel()
            return await task.result
        }
        guard case .failure(let error) = result, let llmError = error as? LLMError else {
            Issue.record("expected LLMError.cancelled, got \(result)")
            return
        }
        #expect(llmError.code == .cancelled)
        #expect(!llmError.isTransient)
        #expect(elapsed < 20, "cancellation took \(elapsed) s of a 30 s hang")
        #expect(server.chatRequests.count == 1, "a cancelled request must not be retried")
        // The client closed its socket: the fake server's hang ends early.
        #expect(await waitUntil { server.inFlight == 0 })
    }

    @Test("cancelling a task waiting for a concurrency permit never reaches the server")
    func cancellationWhileQueued() async throws {
        let gate = DispatchSemaphore(value: 0)
        let server = try makeServer { request in
            gate.wait()
            return .echo(request)
        }
        defer { server.stop() }
        let client = makeClient(server, maxConcurrentRequests: 1)
        let first = Task { try await client.complete(request("first")) }
        #expect(await waitUntil { server.chatRequests.count == 1 })
        let second = Task { try await client.complete(request("second")) }
        try await Task.sleep(nanoseconds: 100_000_000)
        second.cancel()
        let secondResult = await second.result
        #expect((try? secondResult.get()) == nil)
        #expect(((secondResult.mapError { $0 }).failureError as? LLMError)?.code == .cancelled)
        gate.signal()
        let firstCompletion = try await first.value
        #expect(firstCompletion.content == "first")
        #expect(server.chatRequests.count == 1)
        // The permit is back: a new request goes through.
        server.setBehavior(FakeResponse.echo)
        #expect(try await client.complete(request("third")).content == "third")
    }
}

extension Result {
    var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
