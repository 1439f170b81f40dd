/// Every failure this module reports. `message` is for logs (English);
/// `userMessageFR` is shown to the person who dropped the file.
public struct DocumentError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure happened; stable, so callers can branch on it.
    public enum Code: String, Sendable, Codable {
        case emptyDocument
        case invalidEncoding
        case binaryContent
        case unsupportedFormat
        case placeholderMismatch
        case structureMismatch
    }

    public let code: Code
    /// English, technical, for logs.
    public let message: String
    /// 1-based line of the problem when it is known (encoding errors).
    public let line: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// French text for the end user: what went wrong and what to do about it.
    public var userMessageFR: String {
        switch code {
        case .emptyDocument:
            return "Le fichier est vide (ou ne contient que des espaces). Vérifiez que vous avez déposé le bon fichier."
        case .invalidEncoding:
            let place = line.map { " (ligne \($0))" } ?? ""
            return "Le fichier n'est pas encodé en UTF-8\(place). Enregistrez-le en UTF-8 puis déposez-le à nouveau."
        case .binaryContent:
            return "Le fichier semble binaire et non textuel. Déposez un fichier texte (.txt) ou Markdown (.md) enregistré en UTF-8."
        case .unsupportedFormat:
            return "Ce type de fichier n'est pas pris en charge. Déposez un fichier texte (.txt) ou Markdown (.md)."
        case .placeholderMismatch:
            return "Une partie du texte n'a pas pu être traitée sans risquer d'abîmer des liens ou du code : elle a été laissée dans sa version d'origine. Relisez les passages signalés."
        case .structureMismatch:
            return "La réponse du modèle ne respectait pas la structure du document ; le texte a été retraité paragraphe par paragraphe. Si le problème persiste, réessayez plus tard."
        }
    }
}
