import Foundation

/// Header-level encoding for `MailMessage`: RFC 2047 encoded words, folding and the RFC 5322 date.
enum MailHeader {
    /// Refuses text that would end a header line early (CR, LF) or that has no place in a header
    /// (other control characters): the classic header-injection vector.
    static func checkText(_ text: String, field: String) throws {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw NotifyError.invalidMessage("\(field) contains a line break or control character")
        }
    }

    /// The text as it may appear in an unstructured header: as is when it is short printable
    /// ASCII, otherwise as RFC 2047 `=?UTF-8?B?…?=` words, each on its own folded line
    /// (`CRLF SP`), split between characters so no word cuts a UTF-8 sequence.
    ///
    /// `used` is how much of the first line the header name already takes (`Subject: ` is 9):
    /// every line stays within RFC 5322's 78 characters and every word within RFC 2047's 75.
    static func encodedText(_ text: String, used: Int) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if plain && used + text.utf8.count <= 78 && !text.contains("=?") { return text }
        // A word is 12 characters of `=?UTF-8?B?` and `?=` around base64, 4 characters per 3 bytes.
        func capacity(_ used: Int) -> Int { max(3, min(63, 78 - used - 12) / 4 * 3) }
        var limit = capacity(used)
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > limit {
                words.append(encodedWord(chunk))
                chunk.removeAll()
                limit = capacity(1)  // continuation lines start with one space
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// A display name before `<address>`: a quoted string when ASCII, encoded words otherwise.
    static func displayName(_ name: String) -> String {
        if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && name.utf8.count <= 60 {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return encodedText(name, used: 6)  // "From: "
    }

    /// `Name: a, b, c`, folded after a comma before a line passes 78 characters.
    static func addressList(_ name: String, _ addresses: [String]) -> String {
        var text = "\(name): "
        var lineLength = text.count
        for (index, address) in addresses.enumerated() {
            let piece = address + (index < addresses.count - 1 ? "," : "")
            if index > 0 {
                if lineLength + 1 + piece.count > 78 {
                    text += "\r\n "
                    lineLength = 1
                } else {
                    text += " "
                    lineLength += 1
                }
            }
            text += piece
            lineLength += piece.count
        }
        return text
    }

    /// RFC 5322 date in UTC, e.g. `Tue, 05 May 2026 08:30:00 +0000`, independent of the locale.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((c.month ?? 1) - 1 + 12) % 12]
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(two(c.day)) \(month) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// Base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
    static func base64Body(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [Substring] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[start..<end])
            start = end
        }
        return lines.map { $0 + "\r\n" }.joined()
    }
}
