/// Why a PDF could not be turned into a ``StructuredDocument``. `message` is for logs (English);
/// ``userMessageFR`` is shown to the agent who dropped the file and says what to do next.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; callers branch on this, never on message text.
    public enum Code: String, Sendable, Equatable {
        /// The file does not start with a PDF header.
        case notAPDF
        /// Encrypted and no password was given.
        case encrypted
        /// Encrypted and the given password is not the right one.
        case wrongPassword
        /// Cannot be opened: corrupted, truncated or unreadable.
        case damaged
        /// Opens but has no page.
        case noPages
        /// More pages than ``PDFReaderOptions/maxPages``.
        case tooManyPages
        /// Only images (a scan): needs OCR first.
        case noTextLayer
        /// 0-byte file.
        case emptyFile
    }

    /// Failure kind.
    public var code: Code
    /// English diagnostic for logs.
    public var message: String
    /// File name (last path component) used in the French message.
    public var fileName: String
    /// Page limit in force, for ``Code/tooManyPages``.
    public var limit: Int?

    /// Creates an error; `limit` only matters for ``Code/tooManyPages``.
    public init(_ code: Code, message: String, fileName: String = "", limit: Int? = nil) {
        self.code = code
        self.message = message
        self.fileName = fileName
        self.limit = limit
    }

    public var description: String { "PDFError.\(code.rawValue): \(message)" }

    /// French explanation for the agent: what went wrong and what to do about it.
    public var userMessageFR: String {
        let name = fileName.isEmpty ? "document.pdf" : fileName
        switch code {
        case .notAPDF:
            return "Le fichier « \(name) » n'est pas un PDF (son contenu ne commence pas comme un PDF), "
                + "même si son nom se termine par .pdf. Réexportez le document en PDF depuis son logiciel "
                + "d'origine, puis déposez-le à nouveau."
        case .encrypted:
            return "Le PDF est protégé par un mot de passe. Déposez à côté un fichier « \(name).password » "
                + "contenant le mot de passe, ou demandez à l'administrateur de le configurer pour ce dossier."
        case .wrongPassword:
            return "Le mot de passe fourni pour « \(name) » est incorrect. Vérifiez le contenu du fichier "
                + "« \(name).password » (un seul mot de passe, sans espace superflu), puis déposez à nouveau le PDF."
        case .damaged:
            return "Le PDF « \(name) » est endommagé ou incomplet (copie interrompue, fichier tronqué ou corrompu) "
                + "et ne peut pas être lu. Récupérez à nouveau l'original ou réexportez-le, puis déposez-le à nouveau."
        case .noPages:
            return "Le PDF « \(name) » ne contient aucune page. Vérifiez que le bon fichier a été déposé."
        case .tooManyPages:
            let n = limit.map(String.init) ?? "autorisé"
            return "Le PDF « \(name) » dépasse la limite de \(n) pages traitées par Guichet. Découpez-le en "
                + "plusieurs fichiers de \(n) pages au plus, puis déposez-les séparément."
        case .noTextLayer:
            return "Ce PDF ne contient que des images (document numérisé) : il faut d'abord une reconnaissance "
                + "de caractères (OCR). Passez « \(name) » dans un outil d'OCR (par exemple celui du copieur "
                + "ou du logiciel de numérisation) puis déposez le PDF obtenu."
        case .emptyFile:
            return "Le fichier « \(name) » est vide (0 octet) : le dépôt ou la copie a probablement échoué. "
                + "Déposez à nouveau le fichier."
        }
    }
}
