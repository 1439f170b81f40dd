import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetStore
import Logging

/// A throw-away Watch/Output/state tree with a real SQLite store.
struct Sandbox {
    let root: URL
    let configuration: GuichetConfiguration
    let layout: StateLayout
    let store: SQLiteJobStore
    let logger = Logger(label: "test")

    init(_ edit: (inout GuichetConfiguration) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-jobs-\(UUID().uuidString)")
        var c = GuichetConfiguration()
        c.watchDir = root.appendingPathComponent("Watch").path
        c.outputDir = root.appendingPathComponent("Output").path
        c.stateDir = root.appendingPathComponent("state").path
        c.limits.minFreeBytes = 0  // a nearly full test machine must not look like disk pressure
        edit(&c)
        configuration = c
        layout = StateLayout(c)
        try layout.createDirectories(for: c.pipelines)
        store = try SQLiteJobStore(path: layout.databasePath)
    }

    var intake: Intake { Intake(configuration: configuration, layout: layout, store: store, logger: logger) }
    var desk: ReviewDesk { ReviewDesk(configuration: configuration, layout: layout, store: store, logger: logger) }

    /// Writes a file into a drop folder and returns what the watcher would hand over.
    func drop(_ name: String, _ content: String, in folder: String = "translate", sub: [String] = []) throws -> DroppedFile {
        try drop(name, Data(content.utf8), in: folder, sub: sub)
    }

    func drop(_ name: String, _ data: Data, in folder: String = "translate", sub: [String] = []) throws -> DroppedFile {
        var dir = layout.watchDir.appendingPathComponent(folder)
        for s in sub { dir.appendPathComponent(s) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return DroppedFile(url: url, pipelineFolder: folder, subfolders: sub)
    }

    func failedDir(_ folder: String = "translate") -> URL {
        layout.watchDir.appendingPathComponent(folder).appendingPathComponent("_failed")
    }

    func contents(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }
}
