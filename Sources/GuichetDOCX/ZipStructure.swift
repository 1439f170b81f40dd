import Foundation

/// The archive's own bookkeeping, read from the raw bytes and cross-checked, in place of
/// libzip's `ZIP_CHECKCONS`.
///
/// `ZIP_CHECKCONS` (libzip 1.7) compares each local header with its central-directory record
/// field by field, including the modification time. Word and SharePoint write packages whose
/// central directory says 1980-01-01 00:00 for parts the local header dates properly (a real
/// corpus file, `240-DOP-1013A Lay Down Tubulars.docx`): valid for Word, refused by libzip. And
/// libzip's check does not look for what is actually dangerous: entries whose data overlap
/// (the "overlapping files" zip bomb) pass it.
///
/// So this check refuses what lets two readers disagree or one byte count twice, and accepts
/// what is only metadata:
/// - refused: a local header missing or outside the file; a local name, compression method,
///   CRC or size that differs from the central directory (the data descriptor case aside);
///   an encryption flag that differs; an entry's data running into the central directory or
///   into another entry (overlap); an entry count that differs from libzip's.
/// - tolerated: modification time and date, "version needed", the other flag bits, extra
///   fields (Microsoft's padding and growth hints, timestamps), attributes, gaps between
///   entries (unreferenced bytes).
enum ZipStructure {
    struct Inconsistency: Error {
        var entry: String
        var reason: String
    }

    /// Checks the archive in `bytes` (the whole file). `expectedEntries` is libzip's count.
    static func check(_ bytes: UnsafeRawBufferPointer, expectedEntries: Int) throws(Inconsistency) {
        let n = bytes.count
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt64 {
            UInt64(bytes[at]) | UInt64(bytes[at + 1]) << 8 | UInt64(bytes[at + 2]) << 16 | UInt64(bytes[at + 3]) << 24
        }
        func u64(_ at: Int) -> UInt64 { u32(at) | u32(at + 4) << 32 }
        func fail(_ entry: String, _ reason: String) -> Inconsistency { Inconsistency(entry: entry, reason: reason) }

        // End of central directory: the last signature whose comment ends exactly at the end of
        // the file (libzip's choice too), else the last signature at all.
        guard n >= 22 else { throw fail("", "no end of central directory") }
        var eocd = -1
        var candidate = n - 22
        let lowest = max(0, n - 22 - 65_535)
        while candidate >= lowest {
            if u32(candidate) == 0x0605_4B50 {
                if eocd < 0 { eocd = candidate }
                if candidate + 22 + u16(candidate + 20) == n { eocd = candidate; break }
            }
            candidate -= 1
        }
        guard eocd >= 0 else { throw fail("", "no end of central directory") }
        var count = UInt64(u16(eocd + 10))
        var cdSize = u32(eocd + 12)
        var cdOffset = u32(eocd + 16)
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // Zip64: the locator sits just before the end record and points to the real one.
            guard eocd >= 20, u32(eocd - 20) == 0x0706_4B50 else { throw fail("", "zip64 locator missing") }
            let record = u64(eocd - 20 + 8)
            guard record <= UInt64(n - 56), u32(Int(record)) == 0x0606_4B50 else { throw fail("", "zip64 end record missing") }
            count = u64(Int(record) + 32)
            cdSize = u64(Int(record) + 40)
            cdOffset = u64(Int(record) + 48)
        }
        guard count == UInt64(expectedEntries) else {
            throw fail("", "central directory lists \(count) entries, libzip read \(expectedEntries)")
        }
        guard cdOffset <= UInt64(n), cdSize <= UInt64(n) - cdOffset else {
            throw fail("", "central directory outside the file")
        }
        let cdStart = Int(cdOffset), cdEnd = Int(cdOffset + cdSize)

        var spans: [(start: UInt64, end: UInt64, entry: Int)] = []
        spans.reserveCapacity(Int(count))
        var names: [String] = []
        var p = cdStart
        for index in 0..<Int(count) {
            guard p + 46 <= cdEnd, u32(p) == 0x0201_4B50 else { throw fail("#\(index)", "central directory record missing") }
            let flags = u16(p + 8), method = u16(p + 10)
            let crc = u32(p + 16)
            var compressed = u32(p + 20), uncompressed = u32(p + 24)
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            var offset = u32(p + 42)
            guard p + 46 + nameLength + extraLength + commentLength <= cdEnd else { throw fail("#\(index)", "central directory record truncated") }
            let nameStart = p + 46
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + nameLength)]), as: UTF8.self)
            names.append(name)
            if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
                // Zip64 extra field: only the saturated values are present, in this order.
                guard let zip64 = field(0x0001, in: bytes, from: nameStart + nameLength, length: extraLength) else {
                    throw fail(name, "zip64 sizes missing")
                }
                var q = zip64.lowerBound
                for keyPath in [0, 1, 2] {
                    let saturated = keyPath == 0 ? uncompressed == 0xFFFF_FFFF : keyPath == 1 ? compressed == 0xFFFF_FFFF : offset == 0xFFFF_FFFF
                    guard saturated else { continue }
                    guard q + 8 <= zip64.upperBound else { throw fail(name, "zip64 extra field too short") }
                    let value = u64(q)
                    if keyPath == 0 { uncompressed = value } else if keyPath == 1 { compressed = value } else { offset = value }
                    q += 8
                }
            }

            // The local header must describe the same entry.
            guard offset <= UInt64(n), UInt64(n) - offset >= 30 else { throw fail(name, "local header outside the file") }
            let l = Int(offset)
            guard u32(l) == 0x0403_4B50 else { throw fail(name, "no local header where the central directory points") }
            let localFlags = u16(l + 6), localMethod = u16(l + 8)
            let localNameLength = u16(l + 26), localExtraLength = u16(l + 28)
            let dataStart = UInt64(l) + 30 + UInt64(localNameLength) + UInt64(localExtraLength)
            guard dataStart <= UInt64(n) else { throw fail(name, "local header truncated") }
            guard localNameLength == nameLength,
                  memcmp(bytes.baseAddress! + l + 30, bytes.baseAddress! + nameStart, nameLength) == 0
            else { throw fail(name, "local header names another entry") }
            guard localMethod == method else { throw fail(name, "compression method differs between local header and central directory") }
            guard localFlags & 1 == flags & 1 else { throw fail(name, "encryption flag differs between local header and central directory") }
            let localCRC = u32(l + 14)
            var localCompressed = u32(l + 18), localUncompressed = u32(l + 22)
            if localCompressed == 0xFFFF_FFFF || localUncompressed == 0xFFFF_FFFF,
               let zip64 = field(0x0001, in: bytes, from: l + 30 + localNameLength, length: localExtraLength),
               zip64.count >= 16 {
                localUncompressed = u64(zip64.lowerBound)
                localCompressed = u64(zip64.lowerBound + 8)
            }
            let deferred = localFlags & 0x08 != 0 && localCRC == 0 && localCompressed == 0 && localUncompressed == 0
            if !deferred {
                if localCRC != crc { throw fail(name, "CRC differs between local header and central directory") }
                if localCompressed != compressed || localUncompressed != uncompressed {
                    throw fail(name, "sizes differ between local header and central directory")
                }
            }
            let (dataEnd, overflow) = dataStart.addingReportingOverflow(compressed)
            guard !overflow, dataEnd <= cdOffset else { throw fail(name, "entry data runs into the central directory") }
            spans.append((UInt64(l), dataEnd, index))
            p = nameStart + nameLength + extraLength + commentLength
        }
        // No byte may belong to two entries: that is how overlapping-entry zip bombs multiply
        // a small file into gigabytes while every single entry looks modest.
        spans.sort { $0.start < $1.start }
        for k in spans.indices.dropFirst() where spans[k].start < spans[k - 1].end {
            throw fail(names[spans[k].entry], "overlaps entry \(names[spans[k - 1].entry])")
        }
    }

    /// The data range of extra field `id` within `[from, from + length)`, if present.
    private static func field(_ id: Int, in bytes: UnsafeRawBufferPointer, from: Int, length: Int) -> Range<Int>? {
        var q = from
        let end = min(from + length, bytes.count)
        while q + 4 <= end {
            let tag = Int(bytes[q]) | Int(bytes[q + 1]) << 8
            let size = Int(bytes[q + 2]) | Int(bytes[q + 3]) << 8
            guard q + 4 + size <= end else { return nil }
            if tag == id { return (q + 4)..<(q + 4 + size) }
            q += 4 + size
        }
        return nil
    }
}
