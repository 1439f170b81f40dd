import Foundation
import GuichetDOCX

/// Why a .docx was refused or could not be rewritten. `message` is for logs (English);
/// ``userMessageFR`` is for the person who dropped the file: what went wrong, what to do.
public struct DOCXTextError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure; stable, for tests and metrics.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The file is not a zip archive at all (a .docx always is).
        case notAZip
        /// A zip, but not a Word document: no `word/document.xml` or no `[Content_Types].xml`.
        case notADOCX
        /// An OLE2 compound file: a Word 97-2003 .doc.
        case legacyDOC
        /// A password-protected Office document (OLE2 with an `EncryptedPackage` stream).
        case encrypted
        /// Declared sizes or compression ratios typical of a zip bomb.
        case zipBomb
        /// An entry name that could escape a directory (`..`, absolute path, backslash...).
        case unsafeEntryName
        /// More package parts than ``DOCXTextLimits/maxParts``.
        case tooManyParts
        /// An XML part with a DOCTYPE or entity declarations: refused, never resolved.
        case forbiddenDTD
        /// An XML part that is not well-formed (or not UTF-8).
        case malformedXML
        /// The file could not be read (missing, permissions, damaged entry data).
        case unreadable
    }

    public var code: Code
    /// English explanation for logs.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// French message for the person who dropped the file.
    public var userMessageFR: String {
        switch code {
        case .notAZip:
            return "Ce fichier n'est pas un document Word (.docx) valide : il est peut-être endommagé ou d'un autre format renommé en .docx. Ouvrez-le dans Word ou LibreOffice, enregistrez-le au format .docx, puis déposez-le à nouveau."
        case .notADOCX:
            return "Ce fichier est une archive mais pas un document Word (.docx) : la partie principale du document est absente. S'il s'agit d'un document OpenDocument (.odt) ou d'un autre format, ouvrez-le dans Word ou LibreOffice, enregistrez-le au format .docx, puis déposez-le à nouveau."
        case .legacyDOC:
            return "Ce fichier est au format Word 97-2003 (.doc). Ouvrez-le dans Word ou LibreOffice, enregistrez-le au format .docx, puis déposez-le à nouveau."
        case .encrypted:
            return "Ce document est protégé par un mot de passe et ne peut pas être lu. Ouvrez-le dans Word, retirez la protection (Fichier > Informations > Protéger le document > Chiffrer avec mot de passe, puis effacez le mot de passe), enregistrez-le, puis déposez-le à nouveau."
        case .zipBomb:
            return "Ce fichier a été refusé par sécurité : son contenu décompressé serait anormalement volumineux. S'il s'agit d'un vrai document, enregistrez-le à nouveau depuis Word ou LibreOffice (en réduisant la taille des images si besoin), puis déposez-le à nouveau."
        case .unsafeEntryName:
            return "Ce fichier a été refusé par sécurité : il contient des éléments internes aux noms dangereux. Il ne provient probablement pas de Word. Enregistrez le document à nouveau depuis Word ou LibreOffice, puis déposez-le à nouveau."
        case .tooManyParts:
            return "Ce fichier a été refusé : il contient un nombre anormalement élevé d'éléments internes. Enregistrez le document à nouveau depuis Word ou LibreOffice, puis déposez-le à nouveau ; si le problème persiste, contactez l'assistance."
        case .forbiddenDTD:
            return "Ce fichier a été refusé par sécurité : il contient des déclarations XML (DOCTYPE ou entités) qu'un document Word normal ne contient jamais. Enregistrez le document à nouveau depuis Word ou LibreOffice, puis déposez-le à nouveau."
        case .malformedXML:
            return "Ce document Word est endommagé : une de ses parties internes est illisible. Ouvrez-le dans Word ou LibreOffice (qui peut le réparer), enregistrez-le au format .docx, puis déposez-le à nouveau."
        case .unreadable:
            return "Ce fichier n'a pas pu être lu (fichier absent, droits insuffisants ou contenu endommagé). Vérifiez le fichier, enregistrez-le à nouveau au format .docx si besoin, puis déposez-le à nouveau."
        }
    }

    /// Maps the zip layer's errors onto document-level codes.
    static func from(_ error: ZipError) -> DOCXTextError {
        switch error {
        case .notAZip, .inconsistent: return DOCXTextError(.notAZip, error.description)
        case .tooManyEntries: return DOCXTextError(.tooManyParts, error.description)
        case .totalSizeTooLarge, .compressionRatioTooHigh: return DOCXTextError(.zipBomb, error.description)
        case .unsafeEntryName: return DOCXTextError(.unsafeEntryName, error.description)
        case .openFailed, .entryNotFound, .readFailed, .writeFailed: return DOCXTextError(.unreadable, error.description)
        }
    }
}
