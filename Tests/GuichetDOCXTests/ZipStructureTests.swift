import CZip
import Foundation
import Testing
@testable import GuichetDOCX

/// The structure check that replaced libzip's ZIP_CHECKCONS: metadata that Word and SharePoint
/// leave inconsistent is accepted; disagreements that let two readers see different files, and
/// overlapping entries, are refused.
@Suite("Zip structure check")
struct ZipStructureTests {
    /// A zip written byte by byte (stored entries), so each test can make one field lie.
    struct RawEntry {
        var name: String
        var data: [UInt8]
        var localName: String?
        var localExtra: [UInt8] = []
        var localTime: UInt16 = 0x6000, centralTime: UInt16 = 0x6000
        var localDate: UInt16 = 0x5821, centralDate: UInt16 = 0x5821
        var localMethod: UInt16 = 0
        var localCRC: UInt32?
        var localSize: UInt32?
        /// Where the central record points, when not at this entry's own local header.
        var centralOffset: Int?
        /// Written in place of the local header and data (for entries hidden in another one).
        var skipLocal = false
        init(_ name: String, _ text: String) {
            self.name = name
            data = Array(text.utf8)
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    static func localHeader(_ e: RawEntry) -> [UInt8] {
        let name = Array((e.localName ?? e.name).utf8)
        var h = le32(0x0403_4B50) + le16(20) + le16(0) + le16(e.localMethod) + le16(e.localTime) + le16(e.localDate)
        h += le32(e.localCRC ?? crc32(e.data)) + le32(e.localSize ?? UInt32(e.data.count)) + le32(e.localSize ?? UInt32(e.data.count))
        h += le16(UInt16(name.count)) + le16(UInt16(e.localExtra.count)) + name + e.localExtra
        return h
    }

    static func build(_ entries: [RawEntry]) -> Data {
        var out: [UInt8] = []
        var offsets: [Int] = []
        for e in entries {
            offsets.append(out.count)
            if !e.skipLocal { out += localHeader(e) + e.data }
        }
        let cdStart = out.count
        for (k, e) in entries.enumerated() {
            let name = Array(e.name.utf8)
            out += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(e.centralTime) + le16(e.centralDate)
            out += le32(crc32(e.data)) + le32(UInt32(e.data.count)) + le32(UInt32(e.data.count))
            out += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            out += le32(UInt32(e.centralOffset ?? offsets[k])) + name
        }
        let cdSize = out.count - cdStart
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(cdSize)) + le32(UInt32(cdStart)) + le16(0)
        return Data(out)
    }

    func open(_ data: Data) throws -> ZipReader { try ZipReader(data: data, label: "test.zip") }

    func expectInconsistent(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try open(data)
            Issue.record("accepted; expected a refusal mentioning \(fragment)", sourceLocation: sourceLocation)
        } catch let ZipError.inconsistent(_, reason) {
            #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected inconsistent, got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// libzip's verdict with ZIP_CHECKCONS, for comparison.
    static func libzipConsistencyCheckAccepts(_ data: Data) throws -> Bool {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zipcheck-\(UUID().uuidString).zip")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var code: Int32 = 0
        guard let archive = zip_open(url.path, Int32(ZIP_RDONLY) | Int32(ZIP_CHECKCONS), &code) else { return false }
        zip_discard(archive)
        return true
    }

    @Test func aPlainArchiveOpens() throws {
        let data = Self.build([RawEntry("a.txt", "alpha"), RawEntry("b/c.txt", "gamma")])
        let reader = try open(data)
        #expect(reader.entries.map(\.name) == ["a.txt", "b/c.txt"])
        #expect(try reader.data(named: "b/c.txt") == Data("gamma".utf8))
        #expect(try Self.libzipConsistencyCheckAccepts(data))
    }

    /// What the corpus file from SharePoint/Word has: central directory dated 1980-01-01 00:00,
    /// local headers dated properly, plus Microsoft's padding extra field (0xA220) in local
    /// headers only. libzip's ZIP_CHECKCONS refuses it for the date alone; it is harmless.
    @Test func wordStyleDateMismatchAndPaddingAreAccepted() throws {
        var e = RawEntry("word/document.xml", "<w:document/>")
        e.centralTime = 0; e.centralDate = 0x21
        e.localTime = 42194; e.localDate = 19692
        e.localExtra = [0x20, 0xA2, 0x08, 0x00, 0x28, 0xA0, 0x00, 0x00, 0, 0, 0, 0]
        let data = Self.build([RawEntry("[Content_Types].xml", "<Types/>"), e])
        #expect(try !Self.libzipConsistencyCheckAccepts(data), "premise: libzip's check refuses a date mismatch")
        let reader = try open(data)
        #expect(try reader.data(named: "word/document.xml") == Data("<w:document/>".utf8))
    }

    @Test func theCorpusFileWithPaddedHeadersOpens() throws {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        var corpus: URL?
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/corpus/d2p__240-DOP-1013A_Lay_Down_Tubulars.docx")
            if FileManager.default.fileExists(atPath: candidate.path) { corpus = candidate; break }
            dir = dir.deletingLastPathComponent()
        }
        let url = try #require(corpus, "corpus not found")
        #expect(try !Self.libzipConsistencyCheckAccepts(Data(contentsOf: url)))
        let reader = try ZipReader(url: url)
        #expect(reader.entries.count == 29)
        for entry in reader.entries { #expect(try reader.data(of: entry).count == Int(entry.size)) }
    }

    @Test func aLocalNameThatDiffersIsRefused() {
        var e = RawEntry("word/document.xml", "<x/>")
        e.localName = "word/documenX.xml"
        expectInconsistent(Self.build([RawEntry("a", "a"), e]), "names another entry")
    }

    @Test func aLocalMethodThatDiffersIsRefused() {
        var e = RawEntry("a.txt", "alpha")
        e.localMethod = 8
        expectInconsistent(Self.build([e]), "compression method")
    }

    @Test func aLocalCRCOrSizeThatDiffersIsRefused() {
        var crc = RawEntry("a.txt", "alpha")
        crc.localCRC = 0x1234_5678
        expectInconsistent(Self.build([crc]), "CRC")
        var size = RawEntry("a.txt", "alpha")
        size.localSize = 4
        expectInconsistent(Self.build([size]), "sizes")
    }

    @Test func aCentralOffsetWithoutLocalHeaderIsRefused() {
        var e = RawEntry("b.txt", "beta")
        e.centralOffset = 3
        expectInconsistent(Self.build([RawEntry("a.txt", "alpha"), e]), "no local header")
    }

    /// The "overlapping files" zip bomb: an entry's local header and data sit inside another
    /// entry's data, so the same bytes are inflated twice (or thousands of times). Each entry
    /// is consistent on its own; libzip without and with ZIP_CHECKCONS reads them all.
    @Test func overlappingEntriesAreRefused() throws {
        var inner = RawEntry("inner.txt", "kernel")
        let innerBytes = Self.localHeader(inner) + inner.data
        var outer = RawEntry("outer.txt", "")
        outer.data = innerBytes
        inner.skipLocal = true
        inner.centralOffset = 30 + outer.name.utf8.count  // inside outer's data
        let data = Self.build([outer, inner])
        #expect(try Self.libzipConsistencyCheckAccepts(data), "premise: libzip's check does not see overlaps")
        expectInconsistent(data, "overlaps")
    }

    @Test func twoRecordsForTheSameBytesAreRefused() {
        var copy = RawEntry("a.txt", "alpha")
        copy.skipLocal = true
        copy.centralOffset = 0
        expectInconsistent(Self.build([RawEntry("a.txt", "alpha"), copy]), "overlaps")
    }

    @Test func dataRunningIntoTheCentralDirectoryIsRefused() {
        var e = RawEntry("a.txt", "alpha")
        e.skipLocal = true
        var bytes = Self.localHeader(e)
        // The local header claims the declared size, but the data stops short.
        bytes += e.data.prefix(2)
        var archive = Self.build([e])
        archive.replaceSubrange(0..<0, with: bytes)
        // Shift the central directory offset by what was inserted.
        var raw = [UInt8](archive)
        let eocd = raw.count - 22
        let cdStart = Int(raw[eocd + 16]) | Int(raw[eocd + 17]) << 8
        let newStart = cdStart + bytes.count
        raw[eocd + 16] = UInt8(newStart & 0xFF)
        raw[eocd + 17] = UInt8(newStart >> 8)
        expectInconsistent(Data(raw), "runs into the central directory")
    }

    @Test func unreferencedBytesBetweenEntriesAreAccepted() throws {
        // Bytes between entries (like Word's "[trash]" leftovers) belong to nobody: harmless.
        var second = RawEntry("b.txt", "beta")
        let first = RawEntry("a.txt", "alpha")
        let gap = [UInt8](repeating: 0x55, count: 17)
        second.skipLocal = true
        let firstBytes = Self.localHeader(first) + first.data
        second.centralOffset = firstBytes.count + gap.count
        var raw = firstBytes + gap + Self.localHeader(second) + second.data
        let cd = [UInt8](Self.build([first, second]))
        // Reuse the central directory and end record built for offsets [0, ...].
        let cdStartInBuilt = firstBytes.count  // `second` was skipped, so its record follows `first`'s bytes
        var tail = Array(cd[cdStartInBuilt...])
        let eocd = tail.count - 22
        tail[eocd + 16] = UInt8(raw.count & 0xFF)
        tail[eocd + 17] = UInt8(raw.count >> 8)
        raw += tail
        let reader = try open(Data(raw))
        #expect(try reader.data(named: "b.txt") == Data("beta".utf8))
    }

    /// A small archive written the Zip64 way (sizes and offsets in Zip64 extra fields, Zip64
    /// end records), as some tools do for any size: read through the Zip64 fields. `lie`
    /// makes the central Zip64 compressed size disagree with the local one.
    static func zip64Archive(lie: Bool = false) -> Data {
        let entries = [("a.txt", Array("alpha".utf8)), ("b/c.txt", Array("gamma gamma".utf8))]
        func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }
        var out: [UInt8] = []
        var offsets: [Int] = []
        for (name, data) in entries {
            offsets.append(out.count)
            let extra = le16(0x0001) + le16(16) + le64(UInt64(data.count)) + le64(UInt64(data.count))
            out += le32(0x0403_4B50) + le16(45) + le16(0) + le16(0) + le16(0x6000) + le16(0x5821) + le32(crc32(data))
            out += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(UInt16(name.utf8.count)) + le16(UInt16(extra.count))
            out += Array(name.utf8) + extra + data
        }
        let cdStart = out.count
        for (k, (name, data)) in entries.enumerated() {
            let compressed = UInt64(data.count) + (lie && k == 1 ? 3 : 0)
            let extra = le16(0x0001) + le16(24) + le64(UInt64(data.count)) + le64(compressed) + le64(UInt64(offsets[k]))
            out += le32(0x0201_4B50) + le16(45) + le16(45) + le16(0) + le16(0) + le16(0x6000) + le16(0x5821) + le32(crc32(data))
            out += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(UInt16(name.utf8.count)) + le16(UInt16(extra.count)) + le16(0)
            out += le16(0) + le16(0) + le32(0) + le32(0xFFFF_FFFF) + Array(name.utf8) + extra
        }
        let cdSize = out.count - cdStart
        let record = out.count
        out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
        out += le64(UInt64(entries.count)) + le64(UInt64(entries.count)) + le64(UInt64(cdSize)) + le64(UInt64(cdStart))
        out += le32(0x0706_4B50) + le32(0) + le64(UInt64(record)) + le32(1)
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(0xFFFF) + le16(0xFFFF) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
        return Data(out)
    }

    @Test func zip64RecordsAreReadThrough() throws {
        let reader = try open(Self.zip64Archive())
        #expect(reader.entries.map(\.name) == ["a.txt", "b/c.txt"])
        #expect(try reader.data(named: "b/c.txt") == Data("gamma gamma".utf8))
        expectInconsistent(Self.zip64Archive(lie: true), "sizes")
    }
}
