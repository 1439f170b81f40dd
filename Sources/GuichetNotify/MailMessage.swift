import Foundation

/// One plain-text e-mail, rendered as an RFC 5322 message for `SMTPMailer`.
///
/// The body is UTF-8 text sent as base64, so no line length limit, bare dot or 8-bit byte can
/// trip a server; lines end with CRLF whatever the caller wrote.
public struct MailMessage: Sendable, Equatable {
    /// The sender address (`From:` and, in `SMTPMailer`, the envelope sender).
    public var from: String
    /// The display name in `From:`, nil for a bare address.
    public var fromName: String?
    /// The recipient addresses (`To:` and the envelope).
    public var to: [String]
    /// The subject, any Unicode text without control characters.
    public var subject: String
    /// The plain-text body.
    public var body: String
    /// The `Date:` header.
    public var date: Date
    /// The `Message-ID:` without angle brackets; generated from a UUID and the sender's domain when nil.
    public var messageID: String?

    /// Creates a message.
    public init(
        from: String, fromName: String? = nil, to: [String], subject: String, body: String,
        date: Date = Date(), messageID: String? = nil
    ) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    /// Refuses what would let a value escape its header: CR, LF or any control character in an
    /// address, the display name or the subject, and addresses that are not `name@domain`.
    ///
    /// - Throws: `NotifyError` with code `.invalidMessage`.
    public func validate() throws {
        try MailAddress.validate(from, field: "from")
        guard !to.isEmpty else { throw NotifyError.invalidMessage("to: a message needs at least one recipient") }
        for address in to { try MailAddress.validate(address, field: "to") }
        try MailHeader.checkText(subject, field: "subject")
        if let fromName { try MailHeader.checkText(fromName, field: "from name") }
        if let messageID {
            try MailHeader.checkText(messageID, field: "message-id")
            guard !messageID.contains(where: { $0 == "<" || $0 == ">" || $0 == " " }) else {
                throw NotifyError.invalidMessage("message-id must not contain spaces or angle brackets")
            }
        }
    }

    /// The message as sent in SMTP `DATA`: headers, a blank line, the base64 body; CRLF line ends.
    ///
    /// - Throws: `NotifyError` `.invalidMessage` (see `validate()`).
    public func rendered() throws -> [UInt8] {
        try validate()
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let id = messageID ?? "\(UUID().uuidString.lowercased()).guichet@\(domain)"
        let sender = fromName.map { "\(MailHeader.displayName($0)) <\(from)>" } ?? from
        let headers = [
            "Date: \(MailHeader.date(date))",
            "From: \(sender)",
            MailHeader.addressList("To", to),
            "Subject: \(MailHeader.encodedText(subject, used: 9))",
            "Message-ID: <\(id)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            // RFC 3834: out-of-office robots must not answer a machine's message.
            "Auto-Submitted: auto-generated",
        ]
        let text = headers.joined(separator: "\r\n") + "\r\n\r\n" + MailHeader.base64Body(Array(Self.crlf(body).utf8))
        return Array(text.utf8)
    }

    /// Every line end (LF, CR or CRLF) as CRLF, and a final CRLF.
    static func crlf(_ text: String) -> String {
        var lines: [Substring] = []
        var current = text.unicodeScalars[...]
        while let index = current.firstIndex(where: { $0 == "\r" || $0 == "\n" }) {
            lines.append(Substring(current[..<index]))
            var next = current.index(after: index)
            if current[index] == "\r", next < current.endIndex, current[next] == "\n" { next = current.index(after: next) }
            current = current[next...]
        }
        if !current.isEmpty { lines.append(Substring(current)) }
        return lines.map { $0 + "\r\n" }.joined()
    }
}
