/// Checks one e-mail address before it goes into the SMTP envelope or a header.
///
/// Deliberately narrower than RFC 5321: a bare `local@domain` in printable ASCII, without the
/// characters that have a meaning in headers or in the envelope (`<>,;:"()[]\` and spaces).
/// Approver and sender addresses are configured by an operator; refusing an exotic one with a
/// clear message is better than a mail that a server mangles or a header someone can forge.
public enum MailAddress {
    /// - Throws: `NotifyError` `.invalidMessage` naming `field` (never echoing a control character).
    public static func validate(_ address: String, field: String) throws {
        if address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw NotifyError.invalidMessage("\(field): an address contains a line break or control character")
        }
        guard !address.isEmpty, address.utf8.count <= 254 else {
            throw NotifyError.invalidMessage("\(field): an address is empty or longer than 254 characters")
        }
        guard address.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            throw NotifyError.invalidMessage("\(field): \(address) is not ASCII; write the domain in its xn-- form")
        }
        let forbidden: Set<Character> = [" ", "<", ">", ",", ";", ":", "\"", "(", ")", "[", "]", "\\"]
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !address.contains(where: forbidden.contains),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else {
            throw NotifyError.invalidMessage("\(field): \(address) is not an address of the form name@domain")
        }
    }
}
