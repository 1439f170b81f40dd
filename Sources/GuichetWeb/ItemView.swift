import Foundation
import GuichetCore
import GuichetDOCXText
import GuichetPipelines

/// The item page's content: facts, flags, corrections, findings with their quotes, and the
/// source and result aligned passage by passage.
struct ItemPage {
    struct ResultFile { var index: Int; var name: String }
    struct EarlierVersion { var version: Int; var files: [ResultFile] }
    struct Piece { var text: String; var changed: Bool }
    struct Row { var source: [Piece]; var result: [Piece] }
    struct Audit { var at: String; var actor: String; var action: String; var model: String; var tokens: String; var detail: String }
    struct CorrectionRow { var before: String; var after: String; var context: String }
    struct Context { var before: String; var match: String; var after: String }
    struct Citation { var quote: String; var verified: Bool; var mark: String; var page: Int?; var context: Context? }
    struct FindingRow { var category: String; var statement: String; var citations: [Citation] }

    var t: WebTexts
    var title: String
    var user: PageRenderer.User?
    var notice: String?
    var id: String
    var name: String
    var pipeline: String
    var state: String
    var received: String
    var waiting: String
    var model: String
    var promptTokens: Int
    var completionTokens: Int
    var timeSpent: String
    var decision: String?
    var failure: String?
    var resultFiles: [ResultFile]
    /// Results sent back for a new run, kept.
    var earlier: [EarlierVersion]
    var flags: [String]
    var corrections: [CorrectionRow]
    var findings: [FindingRow]
    var rows: [Row]
    var resultText: String?
    var canDecide: Bool
    var csrf: String
    var editText: String?
    var acceptsUpload: Bool
    var audit: [Audit]

    /// Source and result passages side by side. Where the result is a correction of the
    /// source (same language), word-level changes are marked; a translation shares too few
    /// words for a diff to mean anything, so it is shown plain.
    static func rows(_ chunks: [ChunkRecord], format: String) -> [Row] {
        ReviewPassages.pairs(chunks, format: format).map { p in
            let result = p.result
            guard !result.isEmpty, WordDiff.changedWordShare(p.source, result) < 0.5 else {
                return Row(source: [Piece(text: p.source, changed: false)], result: [Piece(text: result, changed: false)])
            }
            var left: [Piece] = [], right: [Piece] = []
            for e in WordDiff.diff(p.source, result) {
                switch e {
                case .same(let s): left.append(Piece(text: s, changed: false)); right.append(Piece(text: s, changed: false))
                case .delete(let s): left.append(Piece(text: s, changed: true))
                case .insert(let s): right.append(Piece(text: s, changed: true))
                }
            }
            return Row(source: left, result: right)
        }
    }
}
