import ArgumentParser
import Foundation
import GuichetDocumentModel
import GuichetPDF

/// Internal: the daemon reads each PDF in a child `guichet pdf-extract`, so that a PDF that
/// crashes or hangs poppler cannot take the daemon down. The password comes on stdin.
struct PDFExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf-extract", abstract: "Internal: rebuild a PDF's structure as JSON (used by the daemon).",
        shouldDisplay: false)
    @Argument var file: String
    @Option(name: .long) var output: String
    @Option(name: .long) var maxPages: Int = 500

    struct WireError: Codable {
        var code: String
        var message: String
        var fileName: String
        var limit: Int?
    }

    func run() throws {
        let password = readLine(strippingNewline: true).flatMap { $0.isEmpty ? nil : $0 }
        let out = URL(fileURLWithPath: output)
        let result: Result<StructuredDocument, PDFError>
        do {
            result = .success(try PDFReader.read(url: URL(fileURLWithPath: file), options: PDFReaderOptions(password: password, maxPages: maxPages)))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let doc):
            try JSONEncoder().encode(doc).write(to: out)
        case .failure(let error):
            try JSONEncoder().encode(WireError(code: error.code.rawValue, message: error.message, fileName: error.fileName, limit: error.limit)).write(to: out)
            throw ExitCode(3)
        }
    }
}
