import Foundation

/// One paragraph's visible text, as offered to the language model.
public struct DOCXParagraphText: Sendable, Equatable {
    /// Stable index, in reading order; the key for ``DOCXTextDocument/rewrite(_:)``.
    public var id: Int
    /// The package part holding the paragraph (`word/document.xml`, `word/footer1.xml`...).
    public var part: String
    /// Visible text; `⟦n⟧` marks the n-th boundary between runs of different formatting.
    public var text: String
    /// The paragraph contains tracked changes (its text is shown with them accepted).
    public var hasTrackedChanges: Bool
}

/// What ``DOCXTextDocument/rewrite(_:)`` had to do beyond a plain replacement.
public struct DOCXRewriteReport: Sendable, Equatable {
    /// Paragraph ids whose new text had unusable placeholders: the whole text went into the
    /// paragraph's dominant formatting, so inline formatting (bold words, links) was lost.
    public var flattened: [Int]
    /// At least one rewritten paragraph had tracked changes; they were accepted in the output.
    public var trackedChangesAccepted: Bool
}
