import Foundation
import Synchronization

/// An in-process SMTP server on 127.0.0.1 that keeps every message instead of delivering it.
///
/// Speaks what a submission client needs: EHLO/HELO, AUTH PLAIN and LOGIN (with or without an
/// initial response), MAIL FROM, RCPT TO, DATA (dot-unstuffed), RSET, NOOP, QUIT. No TLS: it
/// never advertises STARTTLS, which lets a test check that a client requiring TLS refuses it.
public final class SMTPSink: Sendable {
    /// One message accepted after `DATA`.
    public struct Mail: Sendable, Equatable {
        /// The `MAIL FROM` address, without angle brackets or parameters.
        public var mailFrom: String
        /// The accepted `RCPT TO` addresses.
        public var recipients: [String]
        /// The raw message as received, CRLF line ends, dot-stuffing removed.
        public var data: String
        /// The AUTH mechanism, user and password of the session, when it authenticated.
        public var authMechanism: String?
        public var authUser: String?
        public var authPassword: String?
        /// The EHLO/HELO argument.
        public var helo: String
    }

    /// What the sink accepts and refuses; change it between tests with `configure`.
    public struct Options: Sendable {
        /// Advertised in the EHLO answer, e.g. `["PLAIN", "LOGIN"]`; empty: no AUTH.
        public var authMechanisms: [String] = []
        /// When set, AUTH succeeds only with this user and password (535 otherwise).
        public var user: String?
        public var password: String?
        /// Recipients answered with `recipientRefusal` instead of 250.
        public var refusedRecipients: Set<String> = []
        /// Refuse every recipient.
        public var refuseAllRecipients = false
        /// The reply for a refused recipient.
        public var recipientRefusal = "550 5.1.1 No such user here"
        /// When false, the sink accepts connections but never says a word (timeout tests).
        public var greets = true

        public init() {}
    }

    private struct State {
        var options = Options()
        var mails: [Mail] = []
        var commands: [String] = []
    }

    private let listener: LoopbackListener
    private let state = Mutex(State())

    /// The port the sink listens on.
    public var port: Int { listener.port }
    /// `smtp://127.0.0.1:<port>`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Binds a socket on 127.0.0.1 with an ephemeral port and starts serving.
    public init(options: Options = Options()) throws {
        self.listener = try LoopbackListener()
        state.withLock { $0.options = options }
        listener.start(name: "SMTPSink") { [self] connection in serve(connection) }
    }

    deinit { listener.stop() }

    /// Stops serving and drops open sessions.
    public func stop() { listener.stop() }

    /// Changes the options for the commands that follow.
    public func configure(_ change: (inout Options) -> Void) {
        state.withLock { change(&$0.options) }
    }

    /// The messages accepted so far.
    public var mails: [Mail] { state.withLock { $0.mails } }
    /// Every command line received so far (AUTH exchanges included), for transcripts.
    public var commands: [String] { state.withLock { $0.commands } }
    /// Connections accepted so far.
    public var connections: Int { listener.accepted }

    private var options: Options { state.withLock { $0.options } }

    private func serve(_ connection: SocketConnection) {
        guard options.greets else {
            _ = connection.readLine()  // hold the connection open until the client gives up
            return
        }
        connection.send("220 sink.test ESMTP ready\r\n")
        var session = Session()
        while let raw = connection.readLine() {
            let line = String(decoding: raw, as: UTF8.self)
            state.withLock { $0.commands.append(line) }
            let verb = line.split(separator: " ", maxSplits: 1).first.map { $0.uppercased() } ?? ""
            let argument = line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            switch verb {
            case "EHLO":
                session = Session(helo: argument)
                var lines = ["250-sink.test greets \(argument)", "250-8BITMIME", "250-SIZE 10485760"]
                let mechanisms = options.authMechanisms
                if !mechanisms.isEmpty { lines.append("250-AUTH " + mechanisms.joined(separator: " ")) }
                lines.append("250 HELP")
                connection.send(lines.joined(separator: "\r\n") + "\r\n")
            case "HELO":
                session = Session(helo: argument)
                connection.send("250 sink.test\r\n")
            case "AUTH":
                guard authenticate(argument, connection: connection, session: &session) else { return }
            case "MAIL":
                session.from = Self.address(in: argument)
                session.recipients = []
                connection.send("250 2.1.0 Ok\r\n")
            case "RCPT":
                guard session.from != nil else {
                    connection.send("503 5.5.1 MAIL first\r\n")
                    continue
                }
                let address = Self.address(in: argument)
                let options = self.options
                if options.refuseAllRecipients || options.refusedRecipients.contains(address) {
                    connection.send(options.recipientRefusal + "\r\n")
                } else {
                    session.recipients.append(address)
                    connection.send("250 2.1.5 Ok\r\n")
                }
            case "DATA":
                guard let from = session.from, !session.recipients.isEmpty else {
                    connection.send("503 5.5.1 RCPT first\r\n")
                    continue
                }
                connection.send("354 End data with <CR><LF>.<CR><LF>\r\n")
                guard let data = readData(connection) else { return }
                state.withLock {
                    $0.mails.append(Mail(
                        mailFrom: from, recipients: session.recipients, data: data, authMechanism: session.mechanism,
                        authUser: session.user, authPassword: session.password, helo: session.helo))
                }
                session.from = nil
                session.recipients = []
                connection.send("250 2.0.0 Ok: queued\r\n")
            case "RSET":
                session.from = nil
                session.recipients = []
                connection.send("250 2.0.0 Ok\r\n")
            case "NOOP":
                connection.send("250 2.0.0 Ok\r\n")
            case "QUIT":
                connection.send("221 2.0.0 Bye\r\n")
                return
            default:
                connection.send("502 5.5.2 Command not recognized\r\n")
            }
        }
    }

    private struct Session {
        var helo = ""
        var from: String?
        var recipients: [String] = []
        var mechanism: String?
        var user: String?
        var password: String?
    }

    /// Runs one AUTH exchange; false when the connection is gone.
    private func authenticate(_ argument: String, connection: SocketConnection, session: inout Session) -> Bool {
        let parts = argument.split(separator: " ").map(String.init)
        let mechanism = parts.first?.uppercased() ?? ""
        var initial = parts.count > 1 ? parts[1] : nil
        func ask(_ challenge: String) -> String? {
            connection.send("334 \(challenge)\r\n")
            guard let line = connection.readLine() else { return nil }
            let text = String(decoding: line, as: UTF8.self)
            state.withLock { $0.commands.append(text) }
            return text
        }
        let user: String
        let password: String
        switch mechanism {
        case "PLAIN":
            if initial == nil || initial == "=" { initial = ask("") }
            guard let initial else { return false }
            // authzid NUL authcid NUL password
            let fields = Self.decode(initial).split(separator: 0, omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                connection.send("501 5.5.2 Malformed PLAIN response\r\n")
                return true
            }
            user = String(decoding: fields[1], as: UTF8.self)
            password = String(decoding: fields[2], as: UTF8.self)
        case "LOGIN":
            let userLine = initial ?? ask("VXNlcm5hbWU6")  // "Username:"
            guard let userLine, let passwordLine = ask("UGFzc3dvcmQ6") else { return false }  // "Password:"
            user = String(decoding: Self.decode(userLine), as: UTF8.self)
            password = String(decoding: Self.decode(passwordLine), as: UTF8.self)
        default:
            connection.send("504 5.5.4 Unrecognized authentication type\r\n")
            return true
        }
        let options = self.options
        if let expected = options.user, expected != user || options.password != password {
            connection.send("535 5.7.8 Authentication credentials invalid\r\n")
            return true
        }
        session.mechanism = mechanism
        session.user = user
        session.password = password
        connection.send("235 2.7.0 Authentication successful\r\n")
        return true
    }

    /// Lines up to the lone dot, with leading dots unstuffed (RFC 5321 §4.5.2).
    private func readData(_ connection: SocketConnection) -> String? {
        var lines: [String] = []
        while let raw = connection.readLine() {
            let line = String(decoding: raw, as: UTF8.self)
            if line == "." { return lines.map { $0 + "\r\n" }.joined() }
            lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
        }
        return nil
    }

    /// `FROM:<a@b> SIZE=12` → `a@b`.
    static func address(in argument: String) -> String {
        guard let open = argument.firstIndex(of: "<"), let close = argument[open...].firstIndex(of: ">") else {
            return argument.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? argument
        }
        return String(argument[argument.index(after: open)..<close])
    }

    private static func decode(_ base64: String) -> [UInt8] {
        Array(Data(base64Encoded: base64) ?? Data())
    }
}
