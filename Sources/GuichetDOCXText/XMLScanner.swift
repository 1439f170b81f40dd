import Foundation

/// One element of a scanned XML part, located by byte offsets into the part's UTF-8 bytes so
/// that a rewrite can splice new bytes in while every other byte stays exactly as it was.
/// Compact (48 bytes): offsets are 32-bit (``XMLScanner`` refuses larger parts), the name is an
/// index into ``XMLTree/names``, children are linked (first child, next sibling).
struct XMLElementSpan {
    /// Index of the qualified name as written (`w:p`, `mc:Choice`...) in ``XMLTree/names``.
    var nameID: Int32
    private var start32: Int32
    private var contentStart32: Int32
    private var contentEnd32: Int32
    private var end32: Int32
    private var attributeStart32: Int32
    private var attributeEnd32: Int32
    private var parent32: Int32
    fileprivate(set) var firstChild: Int32 = -1
    fileprivate(set) var lastChild: Int32 = -1
    fileprivate(set) var nextSibling: Int32 = -1
    var isSelfClosing: Bool

    fileprivate init(nameID: Int32, start: Int, tagEnd: Int, attributes: Range<Int>, isSelfClosing: Bool, parent: Int32) {
        self.nameID = nameID
        start32 = Int32(start)
        contentStart32 = Int32(tagEnd)
        contentEnd32 = Int32(tagEnd)
        end32 = Int32(tagEnd)
        attributeStart32 = Int32(attributes.lowerBound)
        attributeEnd32 = Int32(attributes.upperBound)
        parent32 = parent
        self.isSelfClosing = isSelfClosing
    }

    fileprivate mutating func close(endTagStart: Int, end: Int) {
        contentEnd32 = Int32(endTagStart)
        end32 = Int32(end)
    }

    /// Offset of `<` of the start tag.
    var start: Int { Int(start32) }
    /// Offset just after the start tag's `>` (equals `end` for a self-closing element).
    var contentStart: Int { Int(contentStart32) }
    /// Offset of `<` of the end tag (equals `end` for a self-closing element).
    var contentEnd: Int { Int(contentEnd32) }
    /// Offset just after the end tag's `>`.
    var end: Int { Int(end32) }
    /// Attribute text inside the start tag (between the name and `>` or `/>`).
    var attributeRange: Range<Int> { Int(attributeStart32)..<Int(attributeEnd32) }
    var parent: Int? { parent32 < 0 ? nil : Int(parent32) }
}

/// The elements of a part in start-tag order (index 0 is the root) and their interned names.
struct XMLTree {
    let elements: ContiguousArray<XMLElementSpan>
    /// Element names, by ``XMLElementSpan/nameID``.
    let names: [String]

    subscript(index: Int) -> XMLElementSpan { elements[index] }
    var count: Int { elements.count }

    /// The name of an element.
    func name(_ element: XMLElementSpan) -> String { names[Int(element.nameID)] }
    func name(_ index: Int) -> String { names[Int(elements[index].nameID)] }

    /// The id of `name`, or -1 when no element of the part has that name.
    func nameID(_ name: String) -> Int32 {
        names.firstIndex(of: name).map { Int32($0) } ?? -1
    }

    /// Indices of the children of `element`, in document order.
    func children(_ element: XMLElementSpan) -> Children { Children(elements: elements, first: element.firstChild) }
    func children(_ index: Int) -> Children { children(elements[index]) }

    struct Children: Sequence, IteratorProtocol {
        let elements: ContiguousArray<XMLElementSpan>
        var next32: Int32
        init(elements: ContiguousArray<XMLElementSpan>, first: Int32) {
            self.elements = elements
            next32 = first
        }
        mutating func next() -> Int? {
            guard next32 >= 0 else { return nil }
            let current = Int(next32)
            next32 = elements[current].nextSibling
            return current
        }
    }
}

/// A strict, single-pass XML scanner and well-formedness checker for OOXML parts.
///
/// It records where each element starts and ends (no strings for text nodes, nothing
/// resolved) and, in the same pass, checks the XML 1.0 well-formedness rules: UTF-8 encoding,
/// legal characters, names, attribute syntax and uniqueness, references to the five predefined
/// entities or to legal characters only, comments, processing instructions, CDATA, matching
/// end tags, a single root. A DOCTYPE or any markup declaration is refused (the callers also
/// refuse them earlier with a specific error, ``XMLSafety/checkNoDTD(_:part:)``). Namespaces
/// are not checked (neither did libxml2 through `XMLParser`, which this replaces).
struct XMLScanner {
    /// Deep nesting is legal XML but no real document needs thousands of levels; the walker
    /// recurses, so a hostile depth must be refused here.
    static let maxDepth = 512

    struct Failure: Error { var offset: Int; var reason: String }

    /// Scans `bytes` and returns all elements in start-tag order; index 0 is the root.
    static func scan(_ bytes: [UInt8]) throws(Failure) -> XMLTree {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> XMLTree in
            var scanner = Scanner(buffer, record: true)
            try scanner.run()
            return XMLTree(elements: scanner.elements, names: scanner.names.strings)
        }
    }

    /// Checks that `bytes` are a well-formed document without keeping anything.
    static func validate(_ bytes: [UInt8]) throws(Failure) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) in
            var scanner = Scanner(buffer, record: false)
            try scanner.run()
        }
    }

    /// The attributes of `element` as (qualified name, value) pairs; values are entity-decoded.
    static func attributes(of element: XMLElementSpan, in bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        forEachAttribute(of: element, in: bytes) { name, value in
            result[String(decoding: bytes[name], as: UTF8.self)] = decodedValue(bytes, value)
            return true
        }
        return result
    }

    /// The value of the first attribute (in document order) whose qualified name ends with
    /// `suffix` (`"type"` matches `w:type`), entity-decoded; nil if none.
    static func attribute(endingWith suffix: String, of element: XMLElementSpan, in bytes: [UInt8]) -> String? {
        let wanted = Array(suffix.utf8)
        var found: String?
        forEachAttribute(of: element, in: bytes) { name, value in
            guard name.count >= wanted.count, bytes[(name.upperBound - wanted.count)..<name.upperBound].elementsEqual(wanted) else { return true }
            found = decodedValue(bytes, value)
            return false
        }
        return found
    }

    private static func decodedValue(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        let raw = String(decoding: bytes[range], as: UTF8.self)
        return bytes[range].contains(UInt8(ascii: "&")) ? XMLText.decodeEntities(raw) : raw
    }

    /// Calls `body` with the name and raw value ranges of each attribute, until it returns false.
    /// The tag was checked by the scanner, so the syntax is known to be right.
    private static func forEachAttribute(of element: XMLElementSpan, in bytes: [UInt8], _ body: (Range<Int>, Range<Int>) -> Bool) {
        var k = element.attributeRange.lowerBound
        let end = element.attributeRange.upperBound
        while k < end {
            while k < end, isSpace(bytes[k]) { k += 1 }
            let nameStart = k
            while k < end, bytes[k] != UInt8(ascii: "="), !isSpace(bytes[k]) { k += 1 }
            let nameEnd = k
            while k < end, bytes[k] != UInt8(ascii: "\""), bytes[k] != UInt8(ascii: "'") { k += 1 }
            guard k < end, nameEnd > nameStart else { return }
            let quote = bytes[k]
            let valueStart = k + 1
            k = valueStart
            while k < end, bytes[k] != quote { k += 1 }
            guard k < end else { return }
            if !body(nameStart..<nameEnd, valueStart..<k) { return }
            k += 1
        }
    }
}

// MARK: - The scanner proper

private let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&"), slash = UInt8(ascii: "/")
private let question = UInt8(ascii: "?"), bang = UInt8(ascii: "!"), quoteMark = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
private let equals = UInt8(ascii: "="), semicolon = UInt8(ascii: ";"), hash = UInt8(ascii: "#"), dash = UInt8(ascii: "-")
private let closeBracket = UInt8(ascii: "]")

@inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

/// Interned names: open addressing on the name bytes, compared in place in the part.
private struct NameTable {
    var strings: [String] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var slots = [Int32](repeating: -1, count: 256)

    mutating func intern(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<(start + length) { hash = (hash ^ UInt64(buffer[k])) &* 0x100_0000_01b3 }
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        let base = buffer.baseAddress!
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            if lengths[id] == length, memcmp(base + starts[id], base + start, length) == 0 { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = Int32(strings.count)
        strings.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<(start + length)]), as: UTF8.self))
        starts.append(start)
        lengths.append(length)
        slots[slot] = id
        if strings.count * 2 > slots.count {
            // Grow and reinsert (names are few: tens per part).
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (k, s) in starts.enumerated() {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for m in s..<(s + lengths[k]) { h = (h ^ UInt64(buffer[m])) &* 0x100_0000_01b3 }
                var t = Int(truncatingIfNeeded: h) & mask
                while slots[t] >= 0 { t = (t + 1) & mask }
                slots[t] = Int32(k)
            }
        }
        return id
    }
}

private struct Scanner {
    typealias Failure = XMLScanner.Failure
    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    let record: Bool
    var elements = ContiguousArray<XMLElementSpan>()
    var names = NameTable()
    /// Open elements: index in `elements` (or -1 when not recording) and name bytes.
    var stack: [(element: Int32, nameStart: Int, nameLength: Int)] = []
    /// Attribute names of the current start tag, for the uniqueness check.
    var attributeNames: [(start: Int, length: Int)] = []

    init(_ buffer: UnsafeBufferPointer<UInt8>, record: Bool) {
        b = buffer
        n = buffer.count
        self.record = record
        // About one element per 40 bytes in Word's XML: reserve a little more than that, so
        // the array is not regrown (and briefly held twice) near the end.
        if record { elements.reserveCapacity(max(16, n / 32)) }
    }

    func fail(_ at: Int, _ reason: String) -> Failure { Failure(offset: at, reason: reason) }

    mutating func run() throws(Failure) {
        guard n < Int(Int32.max) else { throw fail(0, "part larger than 2 GB") }
        var i = 0
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        if matches(i, "<?xml"), i + 5 < n, isSpace(b[i + 5]) { i = try declaration(i) }
        var sawRoot = false
        while i < n {
            let c = b[i]
            if c != lt {
                if stack.isEmpty {
                    guard isSpace(c) else { throw fail(i, "text outside the root element") }
                    i += 1
                } else {
                    i = try text(i)
                }
                continue
            }
            guard i + 1 < n else { throw fail(i, "truncated tag") }
            let next = b[i + 1]
            if next == slash {
                i = try endTag(i)
            } else if next == question {
                i = try processingInstruction(i)
            } else if next == bang {
                if matches(i, "<!--") {
                    i = try comment(i)
                } else if matches(i, "<![CDATA[") {
                    guard !stack.isEmpty else { throw fail(i, "CDATA outside the root element") }
                    i = try cdata(i)
                } else {
                    throw fail(i, "declaration (DOCTYPE/ENTITY) or malformed comment")
                }
            } else {
                guard !sawRoot || !stack.isEmpty else { throw fail(i, "more than one root element") }
                sawRoot = true
                i = try startTag(i)
            }
        }
        guard stack.isEmpty, sawRoot else { throw fail(n, "unclosed elements or no root") }
    }

    func matches(_ at: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard at + count <= n else { return false }
        return memcmp(b.baseAddress! + at, literal.utf8Start, count) == 0
    }

    /// Offset of the first occurrence of `a b c` (or `a b` when `c` is nil) at or after `from`.
    func find(_ a: UInt8, _ b2: UInt8, _ c: UInt8? = nil, from: Int) -> Int? {
        var k = from
        let need = c == nil ? 2 : 3
        while k + need <= n {
            if b[k] == a, b[k + 1] == b2, c == nil || b[k + 2] == c! { return k }
            k += 1
        }
        return nil
    }

    // MARK: Characters

    /// Checks the character starting at `i` (legal XML char, valid UTF-8) and returns its length.
    @inline(__always) func character(_ i: Int) throws(Failure) -> Int {
        let c = b[i]
        if c < 0x80 {
            guard c >= 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { throw fail(i, "control character U+\(String(c, radix: 16))") }
            return 1
        }
        let (scalar, length) = try decode(i)
        guard XMLText.isLegal(Unicode.Scalar(scalar) ?? "\u{FFFF}") else { throw fail(i, "character U+\(String(scalar, radix: 16)) not allowed in XML") }
        return length
    }

    /// Decodes the multi-byte UTF-8 sequence at `i` (strictly: no overlong forms, no surrogates).
    func decode(_ i: Int) throws(Failure) -> (UInt32, Int) {
        let c = b[i]
        func cont(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) throws(Failure) -> UInt32 {
            guard k < n, b[k] >= low, b[k] <= high else { throw fail(i, "invalid UTF-8") }
            return UInt32(b[k] & 0x3F)
        }
        switch c {
        case 0xC2...0xDF:
            return ((UInt32(c & 0x1F) << 6) | (try cont(i + 1)), 2)
        case 0xE0...0xEF:
            let low: UInt8 = c == 0xE0 ? 0xA0 : 0x80, high: UInt8 = c == 0xED ? 0x9F : 0xBF
            let c1 = try cont(i + 1, low, high), c2 = try cont(i + 2)
            return ((UInt32(c & 0x0F) << 12) | (c1 << 6) | c2, 3)
        case 0xF0...0xF4:
            let low: UInt8 = c == 0xF0 ? 0x90 : 0x80, high: UInt8 = c == 0xF4 ? 0x8F : 0xBF
            let c1 = try cont(i + 1, low, high), c2 = try cont(i + 2), c3 = try cont(i + 3)
            return ((UInt32(c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4)
        default:
            throw fail(i, "invalid UTF-8")
        }
    }

    /// Character data up to the next `<`: legal characters, valid references, no `]]>`.
    mutating func text(_ from: Int) throws(Failure) -> Int {
        var i = from
        while i < n {
            let c = b[i]
            if c == lt { return i }
            if c == amp {
                i = try reference(i)
            } else if c >= 0x20 && c < 0x80 {
                if c == closeBracket, i + 2 < n, b[i + 1] == closeBracket, b[i + 2] == gt { throw fail(i, "]]> in text") }
                i += 1
            } else {
                i += try character(i)
            }
        }
        return i
    }

    /// `&name;` (one of the five predefined entities) or a character reference; returns the
    /// offset after `;`.
    func reference(_ i: Int) throws(Failure) -> Int {
        var k = i + 1
        guard k < n else { throw fail(i, "truncated reference") }
        if b[k] == hash {
            k += 1
            var value: UInt32 = 0
            var digits = 0
            let hex = k < n && b[k] == UInt8(ascii: "x")
            if hex { k += 1 }
            while k < n, b[k] != semicolon {
                let d = b[k]
                let v: UInt32
                switch d {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(d - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: v = UInt32(d - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: v = UInt32(d - UInt8(ascii: "A") + 10)
                default: throw fail(i, "malformed character reference")
                }
                value = value &* (hex ? 16 : 10) &+ v
                digits += 1
                guard digits <= 8 else { throw fail(i, "character reference too long") }
                k += 1
            }
            guard k < n, digits > 0, let scalar = Unicode.Scalar(value), XMLText.isLegal(scalar) else {
                throw fail(i, "character reference to an illegal character")
            }
            return k + 1
        }
        let start = k
        while k < n, k - start <= 5, b[k] != semicolon { k += 1 }
        guard k < n, b[k] == semicolon else { throw fail(i, "undeclared entity or bare &") }
        let length = k - start
        let base = b.baseAddress! + start
        let known = (length == 3 && memcmp(base, "amp", 3) == 0) || (length == 2 && (memcmp(base, "lt", 2) == 0 || memcmp(base, "gt", 2) == 0))
            || (length == 4 && (memcmp(base, "quot", 4) == 0 || memcmp(base, "apos", 4) == 0))
        guard known else { throw fail(i, "undeclared entity") }
        return k + 1
    }

    // MARK: Names

    /// A Name at `i`; returns the offset after it.
    func name(_ i: Int) throws(Failure) -> Int {
        var k = i
        var first = true
        while k < n {
            let c = b[k]
            if c < 0x80 {
                let start = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A
                let other = (c >= 0x30 && c <= 0x39) || c == dash || c == 0x2E
                if start || (!first && other) { k += 1; first = false; continue }
                break
            }
            let (scalar, length) = try decode(k)
            guard Self.isNameChar(scalar, first: first) else { throw fail(k, "character not allowed in a name") }
            k += length
            first = false
        }
        guard k > i else { throw fail(i, "name expected") }
        return k
    }

    static func isNameChar(_ s: UInt32, first: Bool) -> Bool {
        switch s {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
             0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        case 0xB7, 0x300...0x36F, 0x203F...0x2040:
            return !first
        default:
            return false
        }
    }

    func skipSpace(_ i: Int) -> Int {
        var k = i
        while k < n, isSpace(b[k]) { k += 1 }
        return k
    }

    // MARK: Markup

    mutating func startTag(_ i: Int) throws(Failure) -> Int {
        let nameStart = i + 1
        let nameEnd = try name(nameStart)
        var k = nameEnd
        attributeNames.removeAll(keepingCapacity: true)
        var selfClosing = false
        var attributeEnd = nameEnd
        while true {
            let afterSpace = skipSpace(k)
            guard afterSpace < n else { throw fail(i, "unterminated start tag") }
            let c = b[afterSpace]
            if c == gt { attributeEnd = afterSpace; k = afterSpace + 1; break }
            if c == slash {
                guard afterSpace + 1 < n, b[afterSpace + 1] == gt else { throw fail(afterSpace, "/ not followed by >") }
                attributeEnd = afterSpace
                selfClosing = true
                k = afterSpace + 2
                break
            }
            guard afterSpace > k else { throw fail(afterSpace, "whitespace expected before an attribute") }
            let attributeNameEnd = try name(afterSpace)
            let length = attributeNameEnd - afterSpace
            for other in attributeNames where other.length == length
                && memcmp(b.baseAddress! + other.start, b.baseAddress! + afterSpace, length) == 0 {
                throw fail(afterSpace, "duplicate attribute")
            }
            attributeNames.append((afterSpace, length))
            var v = skipSpace(attributeNameEnd)
            guard v < n, b[v] == equals else { throw fail(v, "= expected after an attribute name") }
            v = skipSpace(v + 1)
            guard v < n, b[v] == quoteMark || b[v] == apostrophe else { throw fail(v, "quoted attribute value expected") }
            let quote = b[v]
            v += 1
            while true {
                guard v < n else { throw fail(i, "unterminated attribute value") }
                let d = b[v]
                if d == quote { v += 1; break }
                if d == lt { throw fail(v, "< in an attribute value") }
                if d == amp { v = try reference(v) } else if d >= 0x20 && d < 0x80 { v += 1 } else { v += try character(v) }
            }
            k = v
        }
        var index: Int32 = -1
        if record {
            let id = names.intern(b, nameStart, nameEnd - nameStart)
            index = Int32(elements.count)
            let parent = stack.last?.element ?? -1
            elements.append(XMLElementSpan(nameID: id, start: i, tagEnd: k, attributes: nameEnd..<max(nameEnd, attributeEnd),
                                           isSelfClosing: selfClosing, parent: parent))
            if parent >= 0 {
                let p = Int(parent)
                if elements[p].lastChild >= 0 { elements[Int(elements[p].lastChild)].nextSibling = index } else { elements[p].firstChild = index }
                elements[p].lastChild = index
            }
        }
        if !selfClosing {
            stack.append((index, nameStart, nameEnd - nameStart))
            guard stack.count <= XMLScanner.maxDepth else { throw fail(i, "nesting deeper than \(XMLScanner.maxDepth)") }
        }
        return k
    }

    mutating func endTag(_ i: Int) throws(Failure) -> Int {
        let nameEnd = try name(i + 2)
        let k = skipSpace(nameEnd)
        guard k < n, b[k] == gt else { throw fail(i, "malformed end tag") }
        guard let open = stack.popLast() else { throw fail(i, "unexpected end tag") }
        let length = nameEnd - (i + 2)
        guard length == open.nameLength, memcmp(b.baseAddress! + open.nameStart, b.baseAddress! + i + 2, length) == 0 else {
            throw fail(i, "mismatched end tag")
        }
        if record { elements[Int(open.element)].close(endTagStart: i, end: k + 1) }
        return k + 1
    }

    func comment(_ i: Int) throws(Failure) -> Int {
        var k = i + 4
        while k < n {
            if b[k] == dash, k + 1 < n, b[k + 1] == dash {
                guard k + 2 < n, b[k + 2] == gt else { throw fail(k, "-- inside a comment") }
                return k + 3
            }
            k += try character(k)
        }
        throw fail(i, "unterminated comment")
    }

    func cdata(_ i: Int) throws(Failure) -> Int {
        var k = i + 9
        while k < n {
            if b[k] == closeBracket, k + 2 < n, b[k + 1] == closeBracket, b[k + 2] == gt { return k + 3 }
            k += try character(k)
        }
        throw fail(i, "unterminated CDATA section")
    }

    func processingInstruction(_ i: Int) throws(Failure) -> Int {
        let targetEnd = try name(i + 2)
        if targetEnd - (i + 2) == 3, (b[i + 2] | 0x20) == UInt8(ascii: "x"), (b[i + 3] | 0x20) == UInt8(ascii: "m"),
           (b[i + 4] | 0x20) == UInt8(ascii: "l") {
            throw fail(i, "XML declaration not at the start")
        }
        var k = targetEnd
        if k + 1 < n, b[k] == question, b[k + 1] == gt { return k + 2 }
        guard k < n, isSpace(b[k]) else { throw fail(k, "malformed processing instruction") }
        while k < n {
            if b[k] == question, k + 1 < n, b[k + 1] == gt { return k + 2 }
            k += try character(k)
        }
        throw fail(i, "unterminated processing instruction")
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, by the grammar: version
    /// first, then optional encoding and standalone, in that order. Only UTF-8 is accepted,
    /// since everything downstream reads the bytes as UTF-8.
    func declaration(_ i: Int) throws(Failure) -> Int {
        var k = i + 5
        func pseudoAttribute(_ name: StaticString, required: Bool) throws(Failure) -> Range<Int>? {
            let afterSpace = skipSpace(k)
            guard afterSpace > k, matches(afterSpace, name) else {
                if required { throw fail(k, "malformed XML declaration") }
                return nil
            }
            var v = skipSpace(afterSpace + name.utf8CodeUnitCount)
            guard v < n, b[v] == equals else { throw fail(v, "malformed XML declaration") }
            v = skipSpace(v + 1)
            guard v < n, b[v] == quoteMark || b[v] == apostrophe else { throw fail(v, "malformed XML declaration") }
            let quote = b[v]
            let start = v + 1
            var end = start
            while end < n, b[end] != quote {
                let c = b[end]
                let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == dash || c == 0x2E || c == 0x5F
                guard ok else { throw fail(end, "malformed XML declaration") }
                end += 1
            }
            guard end < n, end > start else { throw fail(v, "malformed XML declaration") }
            k = end + 1
            return start..<end
        }
        func value(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self) }
        let version = value(try pseudoAttribute("version", required: true)!)
        guard version.hasPrefix("1."), version.count > 2, version.dropFirst(2).allSatisfy(\.isNumber) else {
            throw fail(i, "XML version \(version)")
        }
        if let encoding = try pseudoAttribute("encoding", required: false) {
            let name = value(encoding).lowercased()
            guard name == "utf-8" || name == "utf8" else { throw fail(i, "encoding \(name) (only UTF-8 parts are supported)") }
        }
        if let standalone = try pseudoAttribute("standalone", required: false) {
            guard ["yes", "no"].contains(value(standalone)) else { throw fail(i, "malformed XML declaration") }
        }
        k = skipSpace(k)
        guard k + 1 < n, b[k] == question, b[k + 1] == gt else { throw fail(k, "malformed XML declaration") }
        return k + 2
    }
}
