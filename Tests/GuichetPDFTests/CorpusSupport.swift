import Foundation
import GuichetTestSupport
import GuichetDocumentModel
@testable import GuichetPDF

/// Shared helpers: corpus location, pdftotext reference, word normalisation, crafted PDFs.
enum Corpus {
    /// Walks up from this file until a `shared/corpus` directory appears (works from
    /// /work/dev-pdf and from /work/main).
    static var directory: URL { GuichetTestSupport.Corpus.directory }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// pdftotext (poppler-utils CLI) output split per page.
    static func pdftotext(_ url: URL, password: String? = nil, layout: Bool = false) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        var args = ["-enc", "UTF-8"]
        if layout { args.append("-layout") }
        if let password { args += ["-upw", password] }
        p.arguments = args + [url.path, "-"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var pages = String(decoding: data, as: UTF8.self).components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    /// Lowercase, every non letter/digit is a separator (so "peut-être" is two words on both sides).
    /// Arabic presentation forms count as the letters they stand for: pdftotext prints the
    /// contextual shapes ("ﺔﻴﺑﺮﻌﻟا"), the reader gives the letters ("العربية"), the same word.
    static func words(_ text: String) -> [String] {
        let mapped = String(PageLayout.baseLetters(text).lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " })
        return mapped.split(separator: " ").map(String.init)
    }

    /// Text of a block (table cells and code included).
    static func text(of block: StructuredDocument.Block) -> String {
        switch block {
        case let .heading(_, t, _), let .paragraph(t, _), let .code(t, _): return t
        case let .listItem(t, _, _, m, _): return (m ?? "") + " " + t
        case let .table(rows, _, _): return rows.map { $0.joined(separator: " ") }.joined(separator: "\n")
        case .pageBreak: return ""
        }
    }

    static func page(of block: StructuredDocument.Block) -> Int? {
        switch block {
        case let .heading(_, _, p), let .paragraph(_, p), let .code(_, p), let .listItem(_, _, _, _, p), let .table(_, _, p): return p
        case .pageBreak: return nil
        }
    }

    /// A syntactically valid PDF from object bodies (object n is `objects[n-1]`), with a correct
    /// xref table so poppler does not need to reconstruct anything.
    static func makePDF(_ objects: [String]) -> Data {
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }

    static func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-pdf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }
}
