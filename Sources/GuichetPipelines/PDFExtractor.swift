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
        let stdin = Pipe()
        p.standardInput = stdin
        p.standardOutput = FileHandle.nullDevice
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: log)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    try p.run()
                    // The password goes through a pipe, never on the command line.
                    stdin.fileHandleForWriting.write(Data(((options.password ?? "") + "\n").utf8))
                    try? stdin.fileHandleForWriting.close()
                    let deadline = Date().addingTimeInterval(timeout)
                    while p.isRunning && Date() < deadline { usleep(20_000) }
                    if p.isRunning {
                        kill(p.processIdentifier, SIGKILL)
                        p.waitUntilExit()
                        continuation.resume(returning: -1)
                        return
                    }
                    continuation.resume(returning: p.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
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
}
