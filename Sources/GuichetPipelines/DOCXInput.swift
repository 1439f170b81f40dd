import Foundation
import GuichetCore
import GuichetDOCXText
import GuichetDocuments

/// A DOCX as the pipelines see it: each non-empty paragraph (body, tables, text boxes, headers,
/// footers, notes) becomes a paragraph of a plain-text document, its formatting changes marked
/// `⟦n⟧`, which plain-text parsing protects like any placeholder. The model's answers are then
/// put back into the original runs, so everything but the text stays as it was.
struct DOCXInput {
    let package: DOCXTextDocument
    /// Paragraph ids, in the order of the text's segments.
    let paragraphIDs: [Int]
    let sourceTexts: [String]
    let text: TextDocument

    static func load(_ url: URL, includeComments: Bool = false) throws -> DOCXInput {
        let package: DOCXTextDocument
        do {
            package = try DOCXTextDocument.load(url: url, includeComments: includeComments)
        } catch {
            throw GuichetError(code(error), error.message, userMessage: error.userMessageFR)
        }
        var ids: [Int] = []
        var texts: [String] = []
        for p in package.paragraphs {
            let t = clean(p.text)
            guard !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            ids.append(p.id)
            texts.append(t)
        }
        let joined = texts.joined(separator: "\n\n") + "\n"
        return DOCXInput(package: package, paragraphIDs: ids, sourceTexts: texts, text: TextDocument(format: .plainText, text: joined))
    }

    /// A line break inside a paragraph (`w:br`), as the pipelines carry it: a placeholder, so
    /// that a paragraph stays one plain-text paragraph (a break at its end or two in a row would
    /// otherwise read as a paragraph boundary) and the model keeps it in place. GuichetDOCXText
    /// numbers its own markers from 1, so `⟦0⟧` is free.
    static let lineBreak = "⟦0⟧"

    static func clean(_ s: String) -> String {
        s.replacingOccurrences(of: "\n", with: lineBreak)
    }

    static func restoreBreaks(_ s: String) -> String {
        s.replacingOccurrences(of: lineBreak, with: "\n")
    }

    /// The new package: every paragraph whose text changed is rewritten, the rest is untouched.
    /// With `asRevisions`, changes are written as tracked changes by `author` (proofreading).
    func rewrite(_ mapping: [Int: String], asRevisions: Bool = false, author: String = "Guichet") throws -> (Data, [String]) {
        var cleaned: [Int: String] = [:]
        for (id, t) in mapping { cleaned[id] = Self.clean(t) }
        let rendered = try text.render(replacing: cleaned)
        var paragraphs = rendered.components(separatedBy: "\n\n")
        if paragraphs.last?.hasSuffix("\n") == true { paragraphs[paragraphs.count - 1].removeLast() }
        guard paragraphs.count == paragraphIDs.count else {
            throw GuichetError(.internalError, "DOCX text came back with \(paragraphs.count) paragraphs for \(paragraphIDs.count)")
        }
        var newTexts: [Int: String] = [:]
        for (i, t) in paragraphs.enumerated() where t != sourceTexts[i] {
            newTexts[paragraphIDs[i]] = Self.restoreBreaks(t)
        }
        // The properties are marked at approval (DOCXApprovalStamp), so that a result nobody
        // approved yet differs from its source only where the text changed.
        let result: (data: Data, report: DOCXRewriteReport)
        do {
            result = asRevisions ? try package.rewriteAsRevisions(newTexts, author: author, date: Date()) : try package.rewrite(newTexts)
        } catch {
            throw GuichetError(Self.code(error), error.message, userMessage: error.userMessageFR)
        }
        var flags = result.report.flattened.map { id in
            "Paragraphe \(paragraphIDs.firstIndex(of: id).map { $0 + 1 } ?? id) : le modèle n'a pas gardé les repères de mise en forme ; le texte a été mis dans la mise en forme principale du paragraphe."
        }
        if result.report.trackedChangesAccepted {
            flags.append("Le document d'origine contenait des modifications suivies : le texte a été traité avec ces modifications acceptées.")
        }
        return (result.data, flags)
    }

    static func code(_ e: DOCXTextError) -> GuichetError.Code {
        switch e.code {
        case .legacyDOC, .notAZip, .notADOCX: return .unsupportedFormat
        case .zipBomb, .tooManyParts: return .tooLarge
        default: return GuichetError.Code(rawValue: "docx_\(e.code)")
        }
    }
}
