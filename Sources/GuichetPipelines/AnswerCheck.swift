import GuichetDocuments

/// Plausibility checks on a model's answer for one segment. Small models sometimes refuse
/// ("I cannot assist…"), explain instead of transforming, or invent a heading for a lone word;
/// such an answer must not replace the source silently.
enum AnswerCheck {
    /// Openings of a refusal or a comment (matched at the start of the answer only, so that
    /// "Je ne peux pas venir" translated as "I cannot come" is not mistaken for one).
    static let refusals = [
        "i apologize", "i'm sorry, but", "i am sorry, but", "i cannot assist", "i can't assist",
        "i cannot help", "i can't help", "as an ai", "sorry, but", "je suis désolé", "désolé, mais",
        "je ne peux pas vous aider", "je ne peux pas traiter", "en tant qu'ia",
    ]

    /// A short French description of what is wrong, or nil when the answer is believable.
    static func problem(source: String, answer: String, kind: SegmentKind) -> String? {
        let a = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if a.isEmpty && !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return "le modèle n'a rien renvoyé"
        }
        let lower = a.lowercased()
        let sourceLower = source.lowercased()
        if refusals.contains(where: { lower.hasPrefix($0) && !sourceLower.hasPrefix($0) }) {
            return "le modèle a refusé ou commenté au lieu de traiter le texte"
        }
        // A transformation keeps roughly the length; an explanation is much longer.
        if a.count > 3 * source.count + 40 {
            return "la réponse du modèle était beaucoup plus longue que le texte d'origine"
        }
        let sourceLines = source.split(separator: "\n").count
        switch kind {
        case .heading, .listItem, .tableCell:
            if a.split(separator: "\n").count > max(1, sourceLines) {
                return "le modèle a ajouté des lignes à un élément court"
            }
        default:
            break
        }
        return nil
    }
}
