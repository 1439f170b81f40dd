/// An error with a code, a message for logs and operators, and a message for the person who
/// dropped the file (French by default): what went wrong and what to do.
public struct GuichetError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable kind; extensible without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        static func technicalFaultFR(_ code: Code) -> String {
        "Une erreur technique a empêché le traitement (code \(code.rawValue)). Le fichier original est conservé ; déposez-le à nouveau plus tard ou contactez l'administrateur, qui trouvera le détail dans le journal."
    }

    public var description: String { rawValue }

        public static let unsupportedFormat = Code(rawValue: "unsupported_format")
        public static let emptyFile = Code(rawValue: "empty_file")
        public static let invalidEncoding = Code(rawValue: "invalid_encoding")
        public static let binaryContent = Code(rawValue: "binary_content")
        public static let symlink = Code(rawValue: "symlink")
        public static let tooLarge = Code(rawValue: "too_large")
        public static let unreadable = Code(rawValue: "unreadable")
        public static let modelRejected = Code(rawValue: "model_rejected")
        public static let modelUnavailable = Code(rawValue: "model_unavailable")
        public static let contextTooSmall = Code(rawValue: "context_too_small")
        public static let malformedModelOutput = Code(rawValue: "malformed_model_output")
        public static let unknownPipeline = Code(rawValue: "unknown_pipeline")
        public static let notFound = Code(rawValue: "not_found")
        public static let conflict = Code(rawValue: "conflict")
        public static let configuration = Code(rawValue: "configuration")
        public static let io = Code(rawValue: "io")
        /// A decision is recorded but its result could not be written to the output folder yet
        /// (full, unreachable): the daemon publishes it as soon as it can.
        public static let publicationPending = Code(rawValue: "publication_pending")
        public static let internalError = Code(rawValue: "internal")
    }

    public var code: Code
    /// For logs and operators (English). Never contains document text or secrets.
    public var message: String
    /// For the person who dropped the file: what went wrong and what to do. When the thrower
    /// gives none (a technical fault), a French text says so rather than the English message,
    /// which would otherwise end up in the `.error.txt` an agent reads.
    public var userMessage: String
    /// The underlying error, described.
    public var cause: String?

    public init(_ code: Code, _ message: String, userMessage: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.userMessage = userMessage ?? Self.technicalFaultFR(code)
        self.cause = cause
    }

    static func technicalFaultFR(_ code: Code) -> String {
        "Une erreur technique a empêché le traitement (code \(code.rawValue)). Le fichier original est conservé ; déposez-le à nouveau plus tard ou contactez l'administrateur, qui trouvera le détail dans le journal."
    }

    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }
}
