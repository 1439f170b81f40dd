import Foundation
import GuichetDocumentModel
import GuichetPDF

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Reads a PDF into structure. The seam lets the daemon read PDFs in a child process, so that a
/// PDF that crashes or hangs poppler cannot take the daemon down, and poppler's own stderr
/// chatter stays out of the daemon's log.
public protocol PDFExtractor: Sendable {
    /// `log` receives the reader's diagnostics (poppler's stderr), when the extractor has any.
    func read(url: URL, options: PDFReaderOptions, log: URL?) async throws -> StructuredDocument
}

/// Reads in this process (tests, `guichet submit --wait`).
public struct InProcessPDFExtractor: PDFExtractor {
    public init() {}
    public func read(url: URL, options: PDFReaderOptions, log: URL?) async throws -> StructuredDocument {
        try await PDFReader.readAsync(url: url, options: options)
    }
}

/// Reads in a child `guichet pdf-extract`, with a time limit.
public struct SubprocessPDFExtractor: PDFExtractor {
    public let executable: URL
    public let timeout: Double

    public init(executable: URL, timeout: Double = 300) {
        self.executable = executable
        self.timeout = timeout
    }

    /// The wire format of an error from the child.
    struct WireError: Codable {
        var code: String
        var message: String
        var fileName: String
        var limit: Int?
    }

    public func read(url: URL, options: PDFReaderOptions, log: URL?) async throws -> StructuredDocument {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.json")
        let p = Process()
        p.executableURL = executable
        p.arguments = ["pdf-extract", url.path, "--output", output.path, "--max-pages", "\(options.maxPages)"]
        p.standardOutput = FileHandle.nullDevice
        if let log {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: log)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        let status = try await Self.run(p, password: options.password, timeout: timeout)
        let name = url.lastPathComponent
        switch status {
        case 0:
            return try JSONDecoder().decode(StructuredDocument.self, from: Data(contentsOf: output))
        case 3:
            let e = try JSONDecoder().decode(WireError.self, from: Data(contentsOf: output))
            throw PDFError(PDFError.Code(rawValue: e.code) ?? .damaged, message: e.message, fileName: e.fileName, limit: e.limit)
        case -1:
            throw PDFError(.damaged, message: "reading the PDF took longer than \(Int(timeout)) s; the reader was stopped", fileName: name)
        default:
            throw PDFError(.damaged, message: "the PDF reader stopped abnormally (status \(status) after \(p.terminationReason == .uncaughtSignal ? "a signal" : "an exit"))", fileName: name)
        }
    }

    /// Starts the child and waits for it without holding a thread: its exit resumes the caller
    /// (a 20 ms poll used to add up to 20 ms to every PDF); a timer kills it past `timeout`.
    /// Returns the exit status, or -1 when the child had to be killed.
    static func run(_ p: Process, password: String?, timeout: Double) async throws -> Int32 {
        let stdin = Pipe()
        p.standardInput = stdin
        let outcome = ChildOutcome()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.continuation = continuation
            p.terminationHandler = { child in outcome.exited(status: child.terminationStatus) }
            do {
                try p.run()
            } catch {
                outcome.failed(error)
                return
            }
            // The password goes through a pipe, never on the command line.
            stdin.fileHandleForWriting.write(Data(((password ?? "") + "\n").utf8))
            try? stdin.fileHandleForWriting.close()
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if outcome.markKilled() { kill(pid, SIGKILL) }
            }
        }
    }
}

/// Resumes the wait for a child exactly once, whichever of its exit or a failed start comes.
private final class ChildOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var killed = false
    var continuation: CheckedContinuation<Int32, any Error>?

    /// The child's exit status, or -1 when the timer killed it.
    func exited(status: Int32) {
        let (c, wasKilled): (CheckedContinuation<Int32, any Error>?, Bool) = lock.withLock {
            defer { done = true }
            return (done ? nil : continuation, self.killed)
        }
        c?.resume(returning: wasKilled ? -1 : status)
    }

    func failed(_ error: any Error) {
        let c: CheckedContinuation<Int32, any Error>? = lock.withLock {
            defer { done = true }
            return done ? nil : continuation
        }
        c?.resume(throwing: error)
    }

    /// True when the child was still running and is now marked as killed by the timer.
    func markKilled() -> Bool {
        lock.withLock {
            guard !done else { return false }
            killed = true
            return true
        }
    }
}
