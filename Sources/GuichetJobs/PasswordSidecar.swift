import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `<name>.pdf.password` dropped beside a protected PDF: its first line is the password. It is
/// moved into the job's own folder (readable by Guichet only) and so disappears from the drop
/// folder; it is never logged nor stored in the database.
public enum PasswordSidecar {
    static let fileName = "password"

    /// Moves the sidecar of `document` (if any) into `jobDir`.
    public static func take(besides document: URL, into jobDir: URL) throws {
        let sidecar = document.deletingLastPathComponent().appendingPathComponent(document.lastPathComponent + ".password")
        guard !FileOperations.isSymlink(sidecar), FileManager.default.fileExists(atPath: sidecar.path) else { return }
        let target = jobDir.appendingPathComponent(fileName)
        try? FileManager.default.removeItem(at: target)
        _ = try FileOperations.move(sidecar, to: target)
        chmod(target.path, 0o600)
    }

    /// The password stored for a job, if any.
    public static func password(inJobDir jobDir: URL) -> String? {
        guard let s = try? String(contentsOf: jobDir.appendingPathComponent(fileName), encoding: .utf8) else { return nil }
        let line = s.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? nil : line
    }
}
