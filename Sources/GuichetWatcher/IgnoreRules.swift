/// Names the watcher never reports or descends into.
///
/// Matching of suffixes and fixed names is case-insensitive (Windows clients write
/// `THUMBS.DB` or `Desktop.ini`).
public enum IgnoreRules {
    /// Fixed file names written by desktop systems.
    static let ignoredNames: Set<String> = ["thumbs.db", "desktop.ini", ".ds_store"]
    /// Suffixes of partial downloads, editor swap files, temp files and our own notes.
    static let ignoredSuffixes: [String] = [
        ".part", ".tmp", ".crdownload", ".partial", ".swp", ".error.txt", ".password",
    ]

    /// `true` for a file name that must never be reported: dot files, Office owner files
    /// (`~$*`), temp files (`~*.tmp`, `*.tmp`), partial downloads (`*.part`, `*.partial`,
    /// `*.crdownload`), swap files (`*.swp`), `Thumbs.db`, `desktop.ini`, `.DS_Store`,
    /// our own error notes (`*.error.txt`) and password sidecars (`*.password`).
    public static func isIgnored(fileName: String) -> Bool {
        if fileName.isEmpty || fileName.hasPrefix(".") || fileName.hasPrefix("~$") {
            return true
        }
        let lower = fileName.lowercased()
        if ignoredNames.contains(lower) { return true }
        for suffix in ignoredSuffixes where lower.hasSuffix(suffix) {
            return true
        }
        return false
    }

    /// `true` for a directory the watcher must not descend into: names starting with `.`
    /// (hidden, `.git`, `.Trash`) or `_` (our `_failed`, `_processing` folders).
    public static func isIgnoredDirectory(name: String) -> Bool {
        name.isEmpty || name.hasPrefix(".") || name.hasPrefix("_")
    }
}
