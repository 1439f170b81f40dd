/// A failed WebDriver command, or a failure to reach the driver at all.
///
/// `code` is the W3C error code the driver answered (`no such element`, `timeout`, …) or one of
/// this client's own codes for what happens before a W3C answer exists (the driver is not
/// installed, did not start, the connection failed). `message` is the driver's own text;
/// `explanation` says in plain words what the code means, so a failing test reads on its own.
public struct WebDriverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code: W3C codes are spelled exactly as the specification (and the driver) does.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // W3C WebDriver codes (https://www.w3.org/TR/webdriver2/#errors), the ones a test meets.
        public static let elementClickIntercepted = Code(rawValue: "element click intercepted")
        public static let elementNotInteractable = Code(rawValue: "element not interactable")
        public static let insecureCertificate = Code(rawValue: "insecure certificate")
        public static let invalidArgument = Code(rawValue: "invalid argument")
        public static let invalidSelector = Code(rawValue: "invalid selector")
        public static let invalidSessionID = Code(rawValue: "invalid session id")
        public static let javascriptError = Code(rawValue: "javascript error")
        public static let noSuchAlert = Code(rawValue: "no such alert")
        public static let noSuchElement = Code(rawValue: "no such element")
        public static let noSuchWindow = Code(rawValue: "no such window")
        public static let sessionNotCreated = Code(rawValue: "session not created")
        public static let staleElementReference = Code(rawValue: "stale element reference")
        public static let timeout = Code(rawValue: "timeout")
        public static let unknownCommand = Code(rawValue: "unknown command")
        public static let unknownError = Code(rawValue: "unknown error")
        public static let unsupportedOperation = Code(rawValue: "unsupported operation")

        // This client's own codes: no W3C answer exists for these.
        public static let driverNotFound = Code(rawValue: "driver not found")
        public static let driverStartFailed = Code(rawValue: "driver start failed")
        public static let transport = Code(rawValue: "transport error")
        public static let invalidResponse = Code(rawValue: "invalid response")
        public static let waitTimedOut = Code(rawValue: "wait timed out")
    }

    public var code: Code
    /// The driver's message (or this client's, for its own codes).
    public var message: String
    /// What the code means and, where it helps, what usually causes it.
    public var explanation: String
    /// The HTTP status of the driver's answer, when there was one.
    public var httpStatus: Int?
    /// The command that failed, e.g. `POST /session/…/element`.
    public var command: String?

    public init(_ code: Code, _ message: String, httpStatus: Int? = nil, command: String? = nil) {
        self.code = code
        self.message = message
        self.explanation = Self.explanation(for: code)
        self.httpStatus = httpStatus
        self.command = command
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let command { text += " [\(command)]" }
        return text + " — \(explanation)"
    }

    static func explanation(for code: Code) -> String {
        switch code {
        case .elementClickIntercepted: "another element would receive the click (an overlay, or the page is still laying out)"
        case .elementNotInteractable: "the element exists but cannot be typed into or clicked (hidden, disabled or zero-sized)"
        case .insecureCertificate: "the page's TLS certificate is not trusted"
        case .invalidArgument: "the command's arguments were rejected (wrong type or shape)"
        case .invalidSelector: "the CSS selector does not parse"
        case .invalidSessionID: "the session was deleted or never existed (the browser may have quit)"
        case .javascriptError: "a script run for the command threw"
        case .noSuchAlert: "no dialog is open"
        case .noSuchElement: "nothing on the current page matches the selector (check the page source, or wait for it to render)"
        case .noSuchWindow: "the window or tab was closed"
        case .sessionNotCreated: "the browser did not start: check the chromedriver log (wrong binary, sandbox, /dev/shm, version mismatch)"
        case .staleElementReference: "the element was found on a page that has since changed or been left"
        case .timeout: "the driver's own timeout passed (page load or script)"
        case .unknownCommand: "the driver does not know this endpoint"
        case .unknownError: "the driver failed without a more precise code"
        case .unsupportedOperation: "the driver does not support this operation"
        case .driverNotFound: "chromedriver or chromium is not installed (apt-get install chromium chromium-driver)"
        case .driverStartFailed: "chromedriver did not become ready; its log file says why"
        case .transport: "the HTTP exchange with chromedriver failed (it may have exited)"
        case .invalidResponse: "chromedriver answered something that is not a WebDriver response"
        case .waitTimedOut: "the condition waited for did not hold in time"
        default: "see the WebDriver specification, section Errors"
        }
    }
}
