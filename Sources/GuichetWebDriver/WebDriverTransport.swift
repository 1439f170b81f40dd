import Foundation

/// HTTP to one chromedriver: sends a command, unwraps `{"value": …}`, turns W3C error answers
/// into `WebDriverError`.
final class WebDriverTransport: Sendable {
    let port: Int
    private let http: LoopbackHTTPClient

    init(port: Int) {
        self.port = port
        self.http = LoopbackHTTPClient(port: port)
    }

    /// `GET path`, returning the `value` member.
    func get(_ path: String, timeout: TimeInterval = 60) async throws -> JSONValue {
        try await send("GET", path, body: nil, timeout: timeout)
    }

    /// `POST path` with a JSON body (`{}` when the command takes none, as the W3C requires).
    func post(_ path: String, _ body: JSONValue = [:], timeout: TimeInterval = 60) async throws -> JSONValue {
        try await send("POST", path, body: body, timeout: timeout)
    }

    /// `DELETE path`, returning the `value` member.
    func delete(_ path: String, timeout: TimeInterval = 60) async throws -> JSONValue {
        try await send("DELETE", path, body: nil, timeout: timeout)
    }

    func send(_ method: String, _ path: String, body: JSONValue?, timeout: TimeInterval) async throws -> JSONValue {
        let command = "\(method) /\(path)"
        let payload = try body.map { try JSONEncoder().encode($0) }
        let response: LoopbackHTTPClient.Response
        do {
            response = try await http.request(
                method, "/\(path)", body: payload, contentType: payload == nil ? nil : "application/json; charset=utf-8", timeout: timeout
            )
        } catch let failure as HTTPFailure {
            throw WebDriverError(.transport, "\(failure) (chromedriver on 127.0.0.1:\(port))", command: command)
        }
        return try Self.unwrap(response.body, status: response.status, command: command)
    }

    /// The `value` of a WebDriver answer, or the error it carries. Separate so tests can feed it
    /// the driver's answers without a driver.
    static func unwrap(_ data: Data, status: Int, command: String? = nil) throws -> JSONValue {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data), let value = json["value"] else {
            let excerpt = String(decoding: data.prefix(300), as: UTF8.self)
            throw WebDriverError(.invalidResponse, "HTTP \(status): \(excerpt)", httpStatus: status, command: command)
        }
        // The W3C marks errors by a string `error` member; the HTTP status alone is not enough
        // (old drivers answered 200 with an error inside).
        if let code = value["error"]?.stringValue {
            let message = value["message"]?.stringValue ?? ""
            throw WebDriverError(WebDriverError.Code(rawValue: code), Self.trimmed(message), httpStatus: status, command: command)
        }
        guard (200..<300).contains(status) else {
            throw WebDriverError(.unknownError, "HTTP \(status): \(value)", httpStatus: status, command: command)
        }
        return value
    }

    /// Chromedriver appends "(Session info: chrome=…)" to its messages: noise in a test report,
    /// unlike the other lines (a failed start explains itself there).
    private static func trimmed(_ message: String) -> String {
        message.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("(Session info:") }
            .joined(separator: " ")
    }
}
