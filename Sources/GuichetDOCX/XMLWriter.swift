import Foundation

/// A tiny streaming XML writer into a byte buffer.
///
/// We hand-write XML instead of using an XML library: the vocabulary is small and fixed, and
/// Foundation's XMLDocument is not reliably available on Linux. Safety comes from the types:
/// markup, element and attribute names are `StaticString` (compile-time literals only), and
/// every runtime `String` goes through ``text(_:)`` or an attribute value, which escape
/// `& < > " '` and drop characters XML 1.0 forbids. Appending to one `[UInt8]` keeps writing
/// linear in the output size (no quadratic string concatenation).
struct XMLWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 16 * 1024) {
        bytes.reserveCapacity(capacity)
        raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
    }

    /// The document so far, as Data.
    var data: Data { Data(bytes) }

    /// Literal markup. `StaticString` so that no runtime text can reach the output unescaped.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `<name a="v" ...>`; attribute values are escaped.
    mutating func open(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String> = [:]) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        appendAttributes(attributes)
        bytes.append(UInt8(ascii: ">"))
    }

    /// `</name>`.
    mutating func close(_ name: StaticString) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        raw(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name a="v" .../>`.
    mutating func empty(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String> = [:]) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        appendAttributes(attributes)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name a="v">text</name>`, both escaped.
    mutating func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String> = [:], text value: String) {
        open(name, attributes)
        text(value)
        close(name)
    }

    /// Escaped character data.
    mutating func text(_ value: String) {
        escape(value, inAttribute: false)
    }

    private mutating func appendAttributes(_ attributes: KeyValuePairs<StaticString, String>) {
        for (name, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            raw(name)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            escape(value, inAttribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func escape(_ value: String, inAttribute: Bool) {
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x26: raw("&amp;")
            case 0x3C: raw("&lt;")
            case 0x3E: raw("&gt;")
            case 0x22: raw("&quot;")
            case 0x27: raw("&apos;")
            // Parsers normalise literal tabs/newlines in attributes to spaces and CR in text
            // to LF: character references keep them as written.
            case 0x09: inAttribute ? raw("&#9;") : bytes.append(0x09)
            case 0x0A: inAttribute ? raw("&#10;") : bytes.append(0x0A)
            case 0x0D: raw("&#13;")
            default:
                guard XMLWriter.isAllowed(scalar) else { continue }
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else {
                    UTF8.encode(scalar) { bytes.append($0) }
                }
            }
        }
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    /// Swift strings cannot hold lone surrogates, but the range check documents the rule.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// `value` without the characters XML 1.0 forbids (used where text is split before writing).
    static func sanitized(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: value.unicodeScalars.filter(isAllowed))
        return String(scalars)
    }
}
