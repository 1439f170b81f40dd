import Foundation
import GuichetConfig
import GuichetDaemon
import GuichetLLM
import Logging
import Testing

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A configuration reload reaching the supervisor: the same bundled settings leave the model
/// server running; new ones restart it with them.
@Suite(.serialized) struct ModelSupervisorReloadTests {
    @Test func sameSettingsKeepTheServerNewOnesRestartIt() async throws {
        let portA = 20000 + Int.random(in: 0..<1000), portB = portA + 1000
        var s = ModelSupervisorTests().settings(port: portA)
        s.modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fake_model_server.py").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-sup-\(UUID().uuidString)")
        let sup = ModelSupervisor(settings: s, modelName: "m", logDirectory: dir, logger: Logger(label: "test"), argumentsOverride: { s in
            ["python3", s.modelPath, "--model", "x", "--port", "\(s.port)"]
        })
        let task = Task { try await sup.run() }
        defer { task.cancel() }
        let waitFor = ModelSupervisorTests().waitFor
        try await waitFor(30) { sup.isReady }
        let first = try #require(sup.childPID)

        #expect(sup.reconfigure(settings: s, modelName: "m") == false)
        try await Task.sleep(for: .seconds(3))
        #expect(sup.childPID == first && sup.isReady, "unchanged settings: the same server keeps running")

        var moved = s
        moved.port = portB
        #expect(sup.reconfigure(settings: moved, modelName: "m") == true)
        try await waitFor(30) { sup.isReady && sup.childPID != nil && sup.childPID != first }
        #expect(await HTTPProbe().get(url: "http://127.0.0.1:\(portB)/health", timeout: 2) == 200, "the new server on the new port")
        #expect(kill(first, 0) != 0, "the old server was stopped")
        let second = try #require(sup.childPID)
        task.cancel()
        _ = try? await task.value
        try await waitFor(10) { kill(second, 0) != 0 }
    }
}
