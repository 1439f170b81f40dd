import Foundation
import GuichetConfig
import GuichetDaemon
import GuichetLLM
import Logging
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The supervisor against a real child process (a stand-in server with the bundled server's
/// command line): start, health check, restart after a crash, stop on exit.
@Suite(.serialized) struct ModelSupervisorTests {
    func settings(port: Int) -> GuichetConfiguration.Bundled {
        var b = GuichetConfiguration.Bundled()
        b.python = "/usr/bin/env"
        b.script = "python3"
        b.port = port
        b.startTimeout = 20
        return b
    }

    @Test func startsRestartsAfterACrashAndStopsOnExit() async throws {
        let port = 19000 + Int.random(in: 0..<1000)
        var s = settings(port: port)
        // `env python3 <fixture> --model … --port …`: the fixture path goes in as the script.
        s.python = "/usr/bin/env"
        s.script = "python3"
        s.modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fake_model_server.py").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-sup-\(UUID().uuidString)")
        let sup = ModelSupervisor(settings: s, logDirectory: dir, logger: Logger(label: "test"), argumentsOverride: { s in
            ["python3", s.modelPath, "--model", "x", "--port", "\(s.port)"]
        })
        let task = Task { try await sup.run() }
        try await waitFor(30) { sup.isReady }
        let first = try #require(sup.childPID)
        let health = "http://127.0.0.1:\(port)/health"
        #expect(await HTTPProbe().get(url: health, timeout: 2) == 200)

        kill(first, SIGKILL)
        try await waitFor(30) { sup.isReady && sup.childPID != nil && sup.childPID != first }
        #expect(await HTTPProbe().get(url: health, timeout: 2) == 200, "a new server answers after the crash")
        let second = try #require(sup.childPID)

        task.cancel()
        _ = try? await task.value
        try await waitFor(10) { kill(second, 0) != 0 }
        #expect(await HTTPProbe().get(url: health, timeout: 1) == nil, "the server is stopped with the supervisor")
    }

    @Test func aMissingModelIsAClearError() async throws {
        var s = settings(port: 19999)
        s.python = "/nonexistent/python"
        let sup = ModelSupervisor(settings: s, logDirectory: FileManager.default.temporaryDirectory, logger: Logger(label: "test"))
        await #expect(throws: (any Error).self) { try await sup.run() }
    }

    func waitFor(_ seconds: Double, _ cond: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !cond() {
            if Date() > deadline { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
