import Foundation
import Testing
@testable import GuichetDOCX

@Suite("ZipReader limits and ZipWriter")
struct ZipReaderTests {
    private func makeZip(_ dir: TemporaryDirectory, _ name: String, entries: [(String, Data)]) throws -> URL {
        let url = dir.file(name)
        let writer = try ZipWriter(creatingAt: url)
        for (entryName, data) in entries { try writer.add(name: entryName, data: data) }
        try writer.close()
        return url
    }

    @Test func writerKeepsOrderAndDeflates() throws {
        let dir = try TemporaryDirectory()
        let text = Data(String(repeating: "Bonjour « monde » ", count: 1_000).utf8)
        let url = try makeZip(dir, "a.zip", entries: [("b.txt", text), ("a/empty", Data()), ("a/c.bin", Data([0, 1, 2]))])
        let reader = try ZipReader(url: url)
        #expect(reader.entries.map(\.name) == ["b.txt", "a/empty", "a/c.bin"])
        #expect(reader.entries[0].size == UInt64(text.count))
        #expect(reader.entries[0].compressedSize < UInt64(text.count / 10))
        #expect(try reader.data(named: "b.txt") == text)
        #expect(try reader.data(named: "a/empty") == Data())
        #expect(try reader.data(named: "a/c.bin") == Data([0, 1, 2]))
        #expect(throws: ZipError.entryNotFound("nope")) { try reader.data(named: "nope") }
    }

    @Test func writerRefusesExistingPathUnsafeNamesAndDuplicates() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("exists.zip")
        try Data("x".utf8).write(to: url)
        let existsError = #expect(throws: ZipError.self) { try ZipWriter(creatingAt: url) }
        if case .openFailed? = existsError {} else { Issue.record("expected openFailed, got \(String(describing: existsError))") }
        let writer = try ZipWriter(creatingAt: dir.file("new.zip"))
        #expect(throws: ZipError.unsafeEntryName("../evil")) { try writer.add(name: "../evil", data: Data()) }
        try writer.add(name: "ok", data: Data())
        #expect(throws: ZipError.self) { try writer.add(name: "ok", data: Data()) }
        try writer.close()
    }

    /// 200 MB of zeros deflate to ~200 KB: the reader must refuse before inflating anything.
    @Test func zipBombIsRefused() throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "bomb.zip", entries: [("word/document.xml", Data(count: 200 << 20))])
        let fileSize = try #require(FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(fileSize < 1 << 20)
        let error = #expect(throws: ZipError.self) { try ZipReader(url: url) }
        guard case let .compressionRatioTooHigh(name, ratio, _)? = error else {
            Issue.record("expected compressionRatioTooHigh, got \(String(describing: error))")
            return
        }
        #expect(name == "word/document.xml" && ratio > 100)
        // With the ratio check relaxed, the total-size limit still stops it.
        let relaxed = ZipLimits(maxTotalUncompressedSize: 50 << 20, maxCompressionRatio: 10_000)
        #expect(throws: ZipError.totalSizeTooLarge(size: 200 << 20, limit: 50 << 20)) { try ZipReader(url: url, limits: relaxed) }
    }

    /// Writes a zip with a harmless placeholder name, then patches the name bytes (local header
    /// and central directory) into a hostile one of the same length: names are not checksummed.
    @Test(arguments: [
        ("zz/evil.txt", "../evil.txt"), ("a/zz/b", "a/../b"), ("zetc/passwd", "/etc/passwd"),
        ("dir_file", "dir\\file"), ("C_/x", "C:/x"),
    ])
    func hostileEntryNamesAreRefused(placeholder: String, hostile: String) throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "evil.zip", entries: [("ok.txt", Data("ok".utf8)), (placeholder, Data("pwned".utf8))])
        var bytes = try Data(contentsOf: url)
        let from = Data(placeholder.utf8), to = Data(hostile.utf8)
        var patched = 0
        var searchRange = bytes.startIndex..<bytes.endIndex
        while let range = bytes.range(of: from, in: searchRange) {
            bytes.replaceSubrange(range, with: to)
            patched += 1
            searchRange = range.upperBound..<bytes.endIndex
        }
        #expect(patched == 2)
        try bytes.write(to: url)
        #expect(throws: ZipError.unsafeEntryName(hostile)) { try ZipReader(url: url) }
    }

    @Test func tooManyEntriesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let url = try makeZip(dir, "many.zip", entries: (0..<20).map { ("f\($0).txt", Data("\($0)".utf8)) })
        #expect(throws: ZipError.tooManyEntries(count: 20, limit: 10)) { try ZipReader(url: url, limits: ZipLimits(maxEntries: 10)) }
        #expect(try ZipReader(url: url, limits: ZipLimits(maxEntries: 20)).entries.count == 20)
    }

    @Test func notAZipGivesAClearError() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("fake.docx")
        try Data("Ceci n'est pas une archive zip, juste du texte.".utf8).write(to: url)
        let error = #expect(throws: ZipError.self) { try ZipReader(url: url) }
        if case .notAZip(let path, _)? = error {
            #expect(path == url.path)
            #expect("\(error!)".contains("not a zip archive"))
        } else {
            Issue.record("expected notAZip, got \(String(describing: error))")
        }
        let missing = #expect(throws: ZipError.self) { try ZipReader(url: dir.file("missing.zip")) }
        if case .openFailed? = missing {} else { Issue.record("expected openFailed, got \(String(describing: missing))") }
    }

    @Test func entryNameRules() {
        for safe in ["word/document.xml", "[Content_Types].xml", "a..b/c", "é/ü.txt"] { #expect(ZipEntryName.isSafe(safe), "\(safe)") }
        for unsafe in ["", "..", "../x", "a/../x", "a/..", "/x", "a\\b", "C:x", "a\0b"] { #expect(!ZipEntryName.isSafe(unsafe), "\(unsafe)") }
    }
}
