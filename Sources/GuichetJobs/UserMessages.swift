import Foundation
import GuichetCore

/// Texts written for the person who dropped a file, in French, kept in one place so another
/// language can be added.
public enum UserMessages {
    public static let supportedFormats = InputFormat.supportedExtensions

    public static func unsupportedFormat(_ name: String) -> GuichetError {
        let ext = (name as NSString).pathExtension.lowercased()
        let hint: String
        switch ext {
        case "odt", "rtf":
            hint = "Les fichiers .\(ext) ne sont pas encore pris en charge. Enregistrez le document au format Word (.docx) ou PDF puis déposez-le à nouveau."
        case "doc":
            hint = "L'ancien format Word .doc n'est pas pris en charge. Ouvrez le document dans Word ou LibreOffice, enregistrez-le au format .docx, puis déposez-le à nouveau."
        default:
            hint = "Formats acceptés : \(supportedFormats). Enregistrez le document dans l'un de ces formats puis déposez-le à nouveau."
        }
        return GuichetError(.unsupportedFormat, "unsupported format .\(ext)",
                            userMessage: "Le format de ce fichier n'est pas pris en charge. \(hint)")
    }

    public static let emptyFile = GuichetError(
        .emptyFile, "empty file",
        userMessage: "Le fichier est vide (0 octet). Vérifiez que l'enregistrement s'est bien terminé, puis déposez-le à nouveau.")

    public static let symlink = GuichetError(
        .symlink, "symbolic link refused",
        userMessage: "Ce fichier est un raccourci (lien symbolique) et non un document : il n'a pas été suivi. Déposez une copie du document lui-même.")

    public static func tooLarge(bytes: Int, limit: Int) -> GuichetError {
        GuichetError(.tooLarge, "file of \(bytes) bytes over the limit of \(limit)",
                     userMessage: "Le fichier est trop volumineux (\(bytes / 1_048_576) Mo ; limite : \(limit / 1_048_576) Mo). Découpez-le en plusieurs documents puis déposez-les à nouveau.")
    }

    public static func note(for error: GuichetError, fileName: String, pipeline: String, jobID: JobID?) -> String {
        var lines = [
            "Guichet n'a pas pu traiter le fichier « \(fileName) » (dossier \(pipeline)).",
            "",
            "Raison : \(error.userMessage)",
            "",
            "Le fichier original a été conservé intact dans ce dossier _failed.",
            "Pour réessayer, corrigez le fichier puis déposez-le à nouveau dans le dossier « \(pipeline) ».",
        ]
        if let jobID { lines.append("Référence pour l'assistance : \(jobID) (code \(error.code)).") }
        else { lines.append("Code pour l'assistance : \(error.code).") }
        return lines.joined(separator: "\n") + "\n"
    }
}

