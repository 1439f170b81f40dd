import Foundation
import GuichetCore
import GuichetTestSupport
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The resilience suite: `make resilience` runs it in full (GUICHET_RESILIENCE_FULL=1); CI runs
/// the same code with smaller numbers. Each test prints its figures.
@Suite(.serialized) struct ResilienceTests {
    static var full: Bool { ProcessInfo.processInfo.environment["GUICHET_RESILIENCE_FULL"] == "1" }

    /// Drop files, kill -9 the daemon at random moments many times, restart each time: every
    /// file ends in exactly one terminal state, none lost, none duplicated in Output/, and no
    /// chunk whose answer was delivered is sent again.
    @Test(.timeLimit(.minutes(20)))
    func killedAgainAndAgainLosesNothing() async throws {
        let files = Self.full ? 50 : 12, kills = Self.full ? 20 : 5
        let server = try FakeOpenAIServer { r in
            .chat(content: (r.lastUserMessage ?? "").uppercased(), delay: Double.random(in: 0.02...0.08))
        }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: """
            [llm]
            backend = "remote"
            url = "\(server.baseURL)"
            max_concurrent_requests = 2
            retry_delay = 1
            [chunking]
            max_tokens = 60
            [watcher]
            rescan_interval = 1
            stability_delay = 0.3
            """)
        try h.startDaemon()
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(300))
        for i in 0..<files {
            let text = (1...3).map { "Dossier \(i), paragraphe \($0) : le conseil délibère sur le point \($0) du dossier \(i)." }.joined(separator: "\n\n") + "\n"
            _ = try h.drop("dossier \(i).md", Data(text.utf8), folder: "translate")
        }
        var killed = 0
        while killed < kills {
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...900)))
            h.kill9()
            killed += 1
            try h.startDaemon()
        }
        try await h.wait("every file settled", timeout: 300) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count == files
        }
        let jobs = try await h.jobs()
        #expect(jobs.count == files, "one job per file")
        #expect(Set(jobs.map(\.sourceName)).count == files, "no file taken twice")
        #expect(try await h.jobs(.failed).isEmpty)
        let left = try FileManager.default.contentsOfDirectory(atPath: h.watch.appendingPathComponent("translate").path).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }
        #expect(left.isEmpty, "the drop folder is empty: \(left)")
        for j in jobs {
            #expect(try await h.cli(["review", "approve", j.id.rawValue, "--by", "test"]).status == 0)
        }
        let published = try FileManager.default.contentsOfDirectory(atPath: h.output.appendingPathComponent("translate").path)
        #expect(published.count == files, "none duplicated in Output/: \(published.sorted())")
        // Answers delivered more than once for the same chunk text = chunks paid twice.
        let requests = server.chatRequests
        var delivered: [String: Int] = [:]
        for r in requests where server.isResponseCompleted(r.index) { delivered[r.lastUserMessage ?? "", default: 0] += 1 }
        let twice = delivered.values.filter { $0 > 1 }.count
        // A kill can land between the last byte of an answer and its commit: allow that window
        // once per kill at most, and report it.
        #expect(twice <= kills, "\(twice) chunks answered twice")
        h.stopDaemon()
        print("resilience/crash: files \(files), kills \(kills), requests \(requests.count), chunks answered twice \(twice), duplicates in Output 0 = \(published.count == files), lost \(files - jobs.count), daemon peak memory \(h.peakMemoryText) (highest of \(kills + 1) runs)")
    }

    /// A flood: many small files at once, and more into a subfolder created after start-up:
    /// every one taken exactly once; the daemon's peak memory reported.
    @Test(.timeLimit(.minutes(20)))
    func aFloodOfFilesIsTakenExactlyOnce() async throws {
        let files = Self.full ? 1000 : 200, late = Self.full ? 100 : 20
        let server = try FakeOpenAIServer { r in .chat(content: (r.lastUserMessage ?? "").uppercased()) }
        server.start()
        defer { server.stop() }
        let h = try DaemonHarness(toml: """
            [llm]
            backend = "remote"
            url = "\(server.baseURL)"
            max_concurrent_requests = 4
            [watcher]
            rescan_interval = 2
            stability_delay = 0.5
            """)
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 30) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("proofread").path) }
        try await Task.sleep(for: .milliseconds(300))
        let dir = h.watch.appendingPathComponent("proofread")
        for i in 0..<files { try Data("Note \(i).\n".utf8).write(to: dir.appendingPathComponent("note \(i).txt")) }
        let sub = dir.appendingPathComponent("lot-tardif")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        for i in 0..<late { try Data("Tardive \(i).\n".utf8).write(to: sub.appendingPathComponent("tardive \(i).txt")) }
        try await h.wait("all taken and processed", timeout: 600) {
            try await h.jobs(.awaitingReview).count + h.jobs(.failed).count >= files + late
        }
        try await Task.sleep(for: .seconds(3))  // a duplicate would show up by now
        let jobs = try await h.jobs()
        #expect(jobs.count == files + late, "exactly once each")
        #expect(Set(jobs.map(\.sourceRelativePath)).count == files + late)
        h.samplePeakMemory()
        print("resilience/flood: files \(files) + \(late) in a late subfolder, jobs \(jobs.count), duplicates \(jobs.count - Set(jobs.map(\.sourceRelativePath)).count), daemon peak memory \(h.peakMemoryText)")
    }
}
