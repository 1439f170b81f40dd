import Foundation

/// The shared corpus of real documents (`../shared/corpus` beside the repository).
public enum Corpus {
    /// The corpus directory, found by walking up from this file (works from a clone anywhere
    /// beside `shared/`), or `GUICHET_CORPUS` when set.
    public static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["GUICHET_CORPUS"] { return URL(fileURLWithPath: env) }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/corpus")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/shared/corpus")
    }()

    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
