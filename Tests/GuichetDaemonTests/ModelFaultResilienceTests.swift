import Foundation
import GuichetCore
import GuichetTestSupport
import Synchronization
import Testing

/// The model faults of the resilience suite, on the real binary against the fake model: the
/// server stops mid-batch and comes back, answers 429 with Retry-After, 500, hangs past the
/// request timeout, sends malformed and truncated bodies. Every job ends awaiting review or
/// failed with its reason in `_failed/<name>.error.txt`; none is left queued or processing.
/// `make resilience` runs them in full (a 60 s outage, more files); CI runs them small.
@Suite(.serialized) struct ModelFaultResilienceTests {
    static var full: Bool { ResilienceTests.full }
    static var files: Int { full ? 20 : 6 }

    /// What one case measured.
    struct Figures: CustomStringConvertible {
        var files = 0, completed = 0, failed = 0, chunks = 0, requests = 0, clientRetries = 0, jobWaits = 0
        var seconds = 0.0
        var peakMemory = "?"
        var description: String {
            "files \(files), completed \(completed), failed \(failed), chunks \(chunks), requests \(requests), client retries \(clientRetries), job waits \(jobWaits), \(String(format: "%.1f", seconds)) s, daemon peak memory \(peakMemory)"
        }
    }

    /// Drops `files` Markdown files (about 3 chunks each; `poisoned` ones carry a marker the
    /// behaviour can see), runs `during` while they are processed, waits until every job rests,
    /// checks that none is stuck and that each failure is explained, stops the daemon (exit 0).
    struct Outcome {
        var figures: Figures
        var jobs: [Job]
        /// `.error.txt` of each failed file, by file name.
        var notes: [String: String]
        /// Every chat call the fake model received.
        var requests: [FakeRequest]
    }

    func run(_ name: String, files: Int = Self.files, poisoned: Set<Int> = [], attempts: Int = 3, retryDelay: Double = 1,
             behavior: @escaping FakeOpenAIServer.Behavior,
             during: (FakeOpenAIServer, OutageRelay, DaemonHarness) async throws -> Void = { _, _, _ in }) async throws -> Outcome {
        let server = try FakeOpenAIServer(behavior: behavior)
        server.start()
        defer { server.stop() }
        let relay = try OutageRelay(target: server.port)
        defer { relay.down() }
        let h = try DaemonHarness(toml: """
            [llm]
            backend = "remote"
            url = "\(relay.baseURL)"
            max_concurrent_requests = 2
            max_attempts = \(attempts)
            retry_delay = \(retryDelay)
            request_timeout = 3
            connect_timeout = 2
            [chunking]
            max_tokens = 60
            [watcher]
            rescan_interval = 1
            stability_delay = 0.3
            """)
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.waitForFolder("translate")
        let t0 = Date()
        for i in 0..<files {
            let mark = poisoned.contains(i) ? " FICHIER-PIÉGÉ" : ""
            let text = (1...3).map { "Dossier \(i)\(mark), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
            _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
        }
        try await during(server, relay, h)
        try await h.wait("every job at rest", timeout: Self.full ? 600 : 120) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count == files
        }
        var f = Figures()
        f.seconds = Date().timeIntervalSince(t0)
        let jobs = try await h.jobs()
        #expect(jobs.count == files, "one job per file, none lost")
        let stuck = try await h.jobs(.queued).count + h.jobs(.processing).count
        #expect(stuck == 0, "none stuck")
        let failedDir = h.watch.appendingPathComponent("translate/_failed")
        var notes: [String: String] = [:]
        for j in jobs where j.state == .failed {
            let note = (try? String(contentsOf: failedDir.appendingPathComponent(j.sourceName + ".error.txt"), encoding: .utf8)) ?? ""
            #expect(!note.isEmpty && j.failureReason?.isEmpty == false, "\(j.sourceName) failed with a reason: \(note)")
            notes[j.sourceName] = note
        }
        #expect(h.stopDaemon() == 0)
        let log = (try? String(contentsOf: h.daemonLog, encoding: .utf8)) ?? ""
        f.files = files
        f.peakMemory = h.peakMemoryText
        f.completed = jobs.filter { $0.state == .awaitingReview }.count
        f.failed = jobs.filter { $0.state == .failed }.count
        f.requests = server.chatRequests.count
        f.chunks = Set(server.chatRequests.compactMap(\.lastUserMessage)).count
        f.clientRetries = log.components(separatedBy: "chat completion attempt failed; retrying").count - 1
        f.jobWaits = log.components(separatedBy: "model unavailable; job waits").count - 1
        print("resilience/model-\(name): \(f)")
        return Outcome(figures: f, jobs: jobs, notes: notes, requests: server.chatRequests)
    }

    static func upper(_ r: FakeRequest, delay: Double = 0.05) -> FakeResponse {
        .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: delay)
    }

    /// Answers `fault` to the first `count` chat calls, then `then`.
    static func firstCalls(_ count: Int, _ fault: @escaping @Sendable (Int) -> FakeResponse,
                           then: @escaping FakeOpenAIServer.Behavior = { upper($0) }) -> FakeOpenAIServer.Behavior {
        let calls = Mutex(0)
        return { r in
            let n = calls.withLock { c -> Int in defer { c += 1 }; return c }
            return n < count ? fault(n) : then(r)
        }
    }

    /// The model server goes away mid-batch (its port refuses connections) and comes back:
    /// jobs wait for it, none fails, all complete.
    @Test(.timeLimit(.minutes(15)))
    func theModelServerStopsMidBatchAndComesBack() async throws {
        let outage = Self.full ? 60.0 : 4.0
        let f = try await run("outage", behavior: { Self.upper($0, delay: 0.1) }) { server, relay, _ in
            try await Task.sleep(for: .milliseconds(100))
            let deadline = Date().addingTimeInterval(60)
            while server.completedResponses < 3 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            relay.down()
            let cut = server.completedResponses
            try await Task.sleep(for: .seconds(outage))
            #expect(server.completedResponses <= cut + 2, "nothing answered while the server was away")
            try relay.up()
        }.figures
        #expect(f.failed == 0 && f.completed == f.files)
        #expect(f.jobWaits > 0, "jobs waited for the model")
        print("resilience/model-outage: server away \(Int(outage)) s")
    }

    /// 429 with Retry-After: 2 on the first calls: the client waits what it is told, then all
    /// complete.
    @Test(.timeLimit(.minutes(10)))
    func rateLimitedWithRetryAfter() async throws {
        let limited = Self.full ? 30 : 8
        let refused = Mutex<Set<Int>>([])
        let base = Self.firstCalls(limited) { _ in .status(429, body: "{\"error\":\"slow down\"}", headers: ["Retry-After": "2"]) }
        let result = try await run("429", attempts: 6, retryDelay: 2, behavior: { r in
            let answer = base(r)
            if case .status = answer { refused.withLock { _ = $0.insert(r.index) } }
            return answer
        })
        let f = result.figures
        // No call for a chunk came sooner after a 429 than its Retry-After said.
        let refusedCalls = refused.withLock { $0 }
        let gaps = Dictionary(grouping: result.requests, by: { $0.lastUserMessage ?? "" }).values.flatMap { calls -> [Double] in
            let sorted = calls.sorted { $0.arrivalUptimeNanoseconds < $1.arrivalUptimeNanoseconds }
            return zip(sorted, sorted.dropFirst()).filter { refusedCalls.contains($0.0.index) }
                .map { Double($0.1.arrivalUptimeNanoseconds - $0.0.arrivalUptimeNanoseconds) / 1e9 }
        }
        #expect(gaps.count == limited, "every refused call was followed by another for its chunk")
        #expect((gaps.min() ?? 0) >= 1.9, "a call came \(gaps.min() ?? 0) s after a 429 with Retry-After: 2")
        #expect(f.failed == 0 && f.completed == f.files)
        #expect(f.requests >= f.chunks + limited)
        print("resilience/model-429: \(refusedCalls.count) answered 429, shortest wait before the next call \(String(format: "%.2f", gaps.min() ?? 0)) s")
    }

    /// A run of 500s, then one call in four: retried, all complete.
    @Test(.timeLimit(.minutes(10)))
    func serverErrors() async throws {
        let calls = Mutex(0)
        let burst = Self.full ? 20 : 6
        let f = try await run("500", behavior: { r in
            let n = calls.withLock { c -> Int in defer { c += 1 }; return c }
            return n < burst || n % 4 == 0 ? .status(500, body: "{\"error\":\"boom\"}") : Self.upper(r)
        }).figures
        #expect(f.failed == 0 && f.completed == f.files)
        #expect(f.clientRetries >= burst / 2)
    }

    /// The first calls hang past `request_timeout` (3 s): the client gives up on each, tries
    /// again, and all complete.
    @Test(.timeLimit(.minutes(10)))
    func hangsPastTheRequestTimeout() async throws {
        let hangs = Self.full ? 8 : 3
        let f = try await run("hang", behavior: Self.firstCalls(hangs) { _ in .hang(seconds: 60) }).figures
        #expect(f.failed == 0 && f.completed == f.files)
        #expect(f.requests >= f.chunks + hangs)
    }

    /// Malformed JSON, truncated bodies and the wrong JSON shape on the first calls: retried,
    /// those jobs complete. One file whose every answer is malformed fails, with the reason
    /// in its `.error.txt`, after the configured rounds.
    @Test(.timeLimit(.minutes(10)))
    func malformedAndTruncatedBodies() async throws {
        let faults = Self.full ? 15 : 6
        let kinds: [FakeResponse] = [.malformedJSON, .truncated, .wrongShape]
        let first = Self.firstCalls(faults) { kinds[$0 % kinds.count] }
        let result = try await run("malformed", poisoned: [0], behavior: { r in
            (r.lastUserMessage ?? "").contains("FICHIER-PIÉGÉ") ? kinds[r.index % kinds.count] : first(r)
        })
        let (f, jobs, notes) = (result.figures, result.jobs, result.notes)
        #expect(f.completed == f.files - 1 && f.failed == 1)
        let failed = try #require(jobs.first { $0.state == .failed })
        #expect(failed.sourceName == "dossier 0.md")
        let note = notes[failed.sourceName] ?? ""
        #expect(note.contains("illisible"), "the reason says the answers were unreadable: \(note)")
    }
}
