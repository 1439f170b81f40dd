import Foundation

/// Escaping and decoding of XML character data, by hand, because the rewriter writes raw bytes.
enum XMLText {
    /// Escapes the five XML special characters and drops characters XML 1.0 forbids (control
    /// characters, lone surrogates, U+FFFE/U+FFFF): a language model may emit any of them.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if isLegal(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// XML 1.0 `Char` production.
    static func isLegal(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Decodes the predefined entities and character references. Anything else was already
    /// refused by `XMLParser` validation (undeclared entity), so it is kept literally.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 12 else {
                out += rest[amp...]
                return out
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var value: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { value = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { value = UInt32(entity.dropFirst(), radix: 10) }
                if let value, let scalar = Unicode.Scalar(value) { out.unicodeScalars.append(scalar) }
                else { out += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        out += rest
        return out
    }
}

/// Checks applied to every XML part before anything parses it.
enum XMLSafety {
    /// Refuses a DOCTYPE or any markup declaration (`<!ENTITY`, `<!ELEMENT`...): OOXML never
    /// has one, and entity expansion is how "billion laughs" and XXE attacks work. Searched
    /// case-insensitively, on raw bytes, before any parser sees them.
    static func checkNoDTD(_ bytes: [UInt8], part: String) throws(DOCXTextError) {
        let needles = ["<!doctype", "<!entity", "<!element", "<!attlist", "<!notation"].map { Array($0.utf8) }
        let n = bytes.count
        var i = 0
        while i + 2 < n {
            if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "!") {
                for needle in needles where i + needle.count <= n {
                    var match = true
                    for k in 2..<needle.count where bytes[i + k] | 0x20 != needle[k] { match = false; break }
                    if match { throw DOCXTextError(.forbiddenDTD, "\(part) declares a DOCTYPE or entities; refused") }
                }
            }
            i += 1
        }
        // A UTF-16 part would hide its declarations from the byte search above.
        if n >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            throw DOCXTextError(.malformedXML, "\(part) is UTF-16 encoded; only UTF-8 parts are supported")
        }
    }

    /// Full well-formedness check (``XMLScanner``): never resolves or fetches anything.
    static func validate(_ bytes: [UInt8], part: String) throws(DOCXTextError) {
        do { try XMLScanner.validate(bytes) } catch {
            throw DOCXTextError(.malformedXML, "\(part) is not well-formed XML (byte \(error.offset)): \(error.reason)")
        }
    }
}
