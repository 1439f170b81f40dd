import Foundation

/// Text decoded from a dropped file, with what is needed to write it back
/// the same way (the UTF-8 byte order mark is removed for processing and
/// restored on output).
public struct DecodedText: Sendable, Equatable {
    public let text: String
    public let hasByteOrderMark: Bool

    /// Encodes a (possibly rewritten) text back to bytes, re-adding the BOM
    /// if the original file had one. Line endings are whatever `output` holds;
    /// the renderer keeps the source's LF / CRLF.
    public func encode(_ output: String) -> Data {
        var data = Data()
        if hasByteOrderMark { data.append(contentsOf: TextDecoding.utf8BOM) }
        data.append(contentsOf: Array(output.utf8))
        return data
    }
}

/// Strict UTF-8 decoding of dropped files. We refuse rather than guess
/// (no Latin-1 fallback) because a wrong guess silently corrupts the output.
public enum TextDecoding {
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Decodes `data` as strict UTF-8 and drops a leading BOM.
    /// - Throws: `.emptyDocument`, `.binaryContent` (NUL bytes, UTF-16) or
    ///   `.invalidEncoding` (with the line and byte offset of the first bad byte).
    public static func decode(_ data: Data) throws(DocumentError) -> String {
        try decodeKeepingBOMInfo(data).text
    }

    /// Same as `decode` but also tells whether a BOM was present, so the
    /// output file can be written back with it.
    public static func decodeKeepingBOMInfo(_ data: Data) throws(DocumentError) -> DecodedText {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw DocumentError(.invalidEncoding, "file starts with a UTF-16 byte order mark", line: 1)
        }
        let hasBOM = bytes.starts(with: utf8BOM)
        let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C || $0 == 0x0B }) {
            throw DocumentError(.emptyDocument, "document is empty or whitespace-only (\(bytes.count) bytes)")
        }
        if let nul = body.firstIndex(of: 0) {
            throw DocumentError(.binaryContent, "NUL byte at offset \(nul + (hasBOM ? 3 : 0)): binary file",
                                line: lineNumber(body, upTo: nul))
        }
        if let bad = firstInvalidUTF8Offset(body) {
            let line = lineNumber(body, upTo: bad)
            throw DocumentError(.invalidEncoding,
                                "invalid UTF-8 at byte offset \(bad + (hasBOM ? 3 : 0)) (line \(line))", line: line)
        }
        return DecodedText(text: String(decoding: body, as: UTF8.self), hasByteOrderMark: hasBOM)
    }

    static func lineNumber(_ bytes: [UInt8], upTo offset: Int) -> Int {
        var line = 1
        for b in bytes[..<offset] where b == 0x0A { line += 1 }
        return line
    }

    /// Offset of the first byte that is not part of a well-formed UTF-8
    /// sequence (overlongs, surrogates and > U+10FFFF are rejected).
    static func firstInvalidUTF8Offset(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            if i + need >= n { return i }  // truncated sequence at end of file
            if b[i + 1] < lo || b[i + 1] > hi { return i }
            var k = 2
            while k <= need {
                if b[i + k] < 0x80 || b[i + k] > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }
}
