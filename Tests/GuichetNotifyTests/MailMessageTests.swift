import Foundation
import GuichetNotify
import Testing

@Suite("MailMessage: RFC 5322 rendering and header injection")
struct MailMessageTests {
    let date = Date(timeIntervalSince1970: 1_778_000_000)  // Tue, 05 May 2026 16:53:20 UTC

    func render(_ message: MailMessage) throws -> (raw: String, mail: ParsedMail) {
        let raw = String(decoding: try message.rendered(), as: UTF8.self)
        return (raw, try ParsedMail(raw))
    }

    @Test("headers, encoded UTF-8 subject, base64 body, CRLF only")
    func rendering() throws {
        let message = MailMessage(
            from: "guichet@example.org", fromName: "Guichet", to: ["a@example.org", "b@example.org"],
            subject: "3 documents attendent votre validation — été", body: "Ligne 1\nLigne « 2 »\r\n.point\n",
            date: date, messageID: "fixed.1@example.org")
        let (raw, mail) = try render(message)
        #expect(mail.header("Date") == "Tue, 05 May 2026 16:53:20 +0000")
        #expect(mail.header("From") == "\"Guichet\" <guichet@example.org>")
        #expect(mail.header("To") == "a@example.org, b@example.org")
        #expect(mail.header("Message-ID") == "<fixed.1@example.org>")
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.header("Content-Transfer-Encoding") == "base64")
        #expect(mail.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
        #expect(mail.subject == "3 documents attendent votre validation — été")
        #expect(mail.body == "Ligne 1\r\nLigne « 2 »\r\n.point\r\n")
        // No bare CR or LF anywhere: every LF is preceded by CR and every CR followed by LF.
        let bytes = Array(raw.utf8)
        for (index, byte) in bytes.enumerated() where byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
        for (index, byte) in bytes.enumerated() where byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
        // 7-bit on the wire, lines within RFC 5322's 78 characters.
        #expect(bytes.allSatisfy { $0 < 128 })
        #expect(raw.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("ASCII subject stays readable; a generated Message-ID uses the sender's domain")
    func asciiSubject() throws {
        let (_, mail) = try render(MailMessage(from: "g@example.org", to: ["a@example.org"], subject: "Hello", body: "x"))
        #expect(mail.header("Subject") == "Hello")
        #expect(mail.header("From") == "g@example.org")
        let id = try #require(mail.header("Message-ID"))
        #expect(id.hasPrefix("<") && id.hasSuffix("@example.org>"))
    }

    @Test("a long non-ASCII subject becomes several folded words that decode back")
    func longSubject() throws {
        let subject = String(repeating: "Fichiers à valider : été, hiver, 東京 — ", count: 4)
        let (raw, mail) = try render(MailMessage(from: "g@example.org", to: ["a@example.org"], subject: subject, body: "x"))
        #expect(mail.subject == subject)
        let block = raw.components(separatedBy: "\r\n\r\n")[0]
        let subjectLines = block.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 2)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("many recipients are folded, never cut inside an address")
    func foldedTo() throws {
        let to = (1...12).map { "approver\($0)@service.example.org" }
        let (_, mail) = try render(MailMessage(from: "g@example.org", to: to, subject: "s", body: "x"))
        #expect(mail.header("To")?.components(separatedBy: ", ") == to)
    }

    @Test("header injection and non-addresses are refused", arguments: [
        MailMessage(from: "g@example.org", to: ["a@example.org"], subject: "Hi\r\nBcc: victim@example.org", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org"], subject: "Hi\nX: y", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org"], subject: "tab\tinside", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org"], subject: "nul\u{0}", body: ""),
        MailMessage(from: "g@example.org\r\nBcc: v@example.org", to: ["a@example.org"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org>\r\nRCPT TO:<v@example.org"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org\n"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", fromName: "Guichet\r\nBcc: v@example.org", to: ["a@example.org"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", to: ["not-an-address"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", to: ["a@example.org, v@example.org"], subject: "s", body: ""),
        MailMessage(from: "g@example.org", to: [], subject: "s", body: ""),
    ])
    func injection(_ message: MailMessage) {
        #expect(throws: NotifyError.self) { try message.rendered() }
        do {
            _ = try message.rendered()
        } catch let error as NotifyError {
            #expect(error.code == .invalidMessage)
            #expect(!error.description.contains("\r") && !error.description.contains("\n"), "no control character echoed")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
