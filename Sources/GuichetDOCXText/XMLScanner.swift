import Foundation

/// One element of a scanned XML part, located by byte offsets into the part's UTF-8 bytes so
/// that a rewrite can splice new bytes in while every other byte stays exactly as it was.
struct XMLElementSpan {
    /// Qualified name as written (`w:p`, `mc:Choice`...).
    var name: String
    /// Offset of `<` of the start tag.
    var start: Int
    /// Offset just after the start tag's `>` (equals `end` for a self-closing element).
    var contentStart: Int
    /// Offset of `<` of the end tag (equals `end` for a self-closing element).
    var contentEnd: Int
    /// Offset just after the end tag's `>`.
    var end: Int
    /// Attribute text inside the start tag (between the name and `>` or `/>`).
    var attributeRange: Range<Int>
    var isSelfClosing: Bool
    var parent: Int?
    var children: [Int] = []
}

/// A small, strict XML scanner for OOXML parts. It does not build strings for text nodes or
/// resolve anything: it records where each element starts and ends. Documents with a DOCTYPE
/// or entity declarations never reach it (``XMLSafety/checkNoDTD(_:part:)``), and every part is
/// also validated with Foundation's `XMLParser`, so this scanner only has to be exact on
/// well-formed input — it still fails cleanly rather than crash on anything else.
struct XMLScanner {
    /// Deep nesting is legal XML but no real document needs thousands of levels; the walker
    /// recurses, so a hostile depth must be refused here.
    static let maxDepth = 512

    struct Failure: Error { var offset: Int; var reason: String }

    /// Scans `bytes` and returns all elements in start-tag order; index 0 is the root.
    static func scan(_ bytes: [UInt8]) throws(Failure) -> [XMLElementSpan] {
        var elements: [XMLElementSpan] = []
        var stack: [Int] = []
        var i = 0
        let n = bytes.count
        func find(_ pattern: [UInt8], from: Int) -> Int? {
            guard !pattern.isEmpty, from + pattern.count <= n else { return nil }
            var k = from
            while k + pattern.count <= n {
                if bytes[k] == pattern[0] {
                    var match = true
                    for m in 1..<pattern.count where bytes[k + m] != pattern[m] { match = false; break }
                    if match { return k }
                }
                k += 1
            }
            return nil
        }
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            guard i + 1 < n else { throw Failure(offset: i, reason: "truncated tag") }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") {
                guard let close = find(Array("?>".utf8), from: i + 2) else { throw Failure(offset: i, reason: "unterminated processing instruction") }
                i = close + 2
            } else if next == UInt8(ascii: "!") {
                if let close = matchPrefix(bytes, i, "<!--") ? find(Array("-->".utf8), from: i + 4) : nil {
                    i = close + 3
                } else if matchPrefix(bytes, i, "<![CDATA["), let close = find(Array("]]>".utf8), from: i + 9) {
                    i = close + 3
                } else {
                    throw Failure(offset: i, reason: "declaration (DOCTYPE/ENTITY) or unterminated comment")
                }
            } else if next == UInt8(ascii: "/") {
                var k = i + 2
                while k < n, bytes[k] != UInt8(ascii: ">") { k += 1 }
                guard k < n, let open = stack.popLast() else { throw Failure(offset: i, reason: "unexpected end tag") }
                let name = String(decoding: bytes[(i + 2)..<k], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard name == elements[open].name else { throw Failure(offset: i, reason: "mismatched end tag \(name)") }
                elements[open].contentEnd = i
                elements[open].end = k + 1
                i = k + 1
            } else {
                var k = i + 1
                while k < n, !isNameEnd(bytes[k]) { k += 1 }
                let name = String(decoding: bytes[(i + 1)..<k], as: UTF8.self)
                guard !name.isEmpty else { throw Failure(offset: i, reason: "empty element name") }
                let attrStart = k
                var quote: UInt8 = 0
                while k < n {
                    let c = bytes[k]
                    if quote != 0 { if c == quote { quote = 0 } }
                    else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
                    else if c == UInt8(ascii: ">") { break }
                    k += 1
                }
                guard k < n else { throw Failure(offset: i, reason: "unterminated start tag") }
                let selfClosing = bytes[k - 1] == UInt8(ascii: "/")
                let attrEnd = selfClosing ? k - 1 : k
                let index = elements.count
                var element = XMLElementSpan(name: name, start: i, contentStart: k + 1, contentEnd: k + 1, end: k + 1,
                                             attributeRange: attrStart..<max(attrStart, attrEnd), isSelfClosing: selfClosing,
                                             parent: stack.last)
                if selfClosing { element.contentStart = k + 1 }
                elements.append(element)
                if let parent = stack.last { elements[parent].children.append(index) }
                else if index != 0 { throw Failure(offset: i, reason: "more than one root element") }
                if !selfClosing {
                    stack.append(index)
                    guard stack.count <= maxDepth else { throw Failure(offset: i, reason: "nesting deeper than \(maxDepth)") }
                }
                i = k + 1
            }
        }
        guard stack.isEmpty, !elements.isEmpty else { throw Failure(offset: n, reason: "unclosed elements or no root") }
        return elements
    }

    private static func isNameEnd(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
            || c == UInt8(ascii: ">") || c == UInt8(ascii: "/")
    }

    private static func matchPrefix(_ bytes: [UInt8], _ at: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        guard at + p.count <= bytes.count else { return false }
        for m in 0..<p.count where bytes[at + m] != p[m] { return false }
        return true
    }

    /// The attributes of `element` as (qualified name, raw value) pairs; values are entity-decoded.
    static func attributes(of element: XMLElementSpan, in bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        let text = String(decoding: bytes[element.attributeRange], as: UTF8.self)
        var rest = Substring(text)
        while let eq = rest.firstIndex(of: "=") {
            let name = rest[..<eq].trimmingCharacters(in: .whitespacesAndNewlines)
            var after = rest[rest.index(after: eq)...].drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            guard let quote = after.first, quote == "\"" || quote == "'" else { break }
            after = after.dropFirst()
            guard let close = after.firstIndex(of: quote) else { break }
            result[name] = XMLText.decodeEntities(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return result
    }
}
