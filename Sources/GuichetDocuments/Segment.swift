import Foundation

/// What a translatable piece of text is, as far as the model and the
/// response parser are concerned.
public enum SegmentKind: Sendable, Codable, Equatable, Hashable {
    case heading(level: Int)
    case paragraph
    case listItem
    case tableCell
    case quote
}

/// One translatable unit of a document. `text` has its protected inline
/// spans (code, URLs, HTML, Liquid, footnote refs…) replaced by `⟦n⟧`
/// placeholders, numbered from 1 inside each segment.
public struct Segment: Sendable, Codable, Equatable {
    public let id: Int
    public let kind: SegmentKind
    public let text: String

    public init(id: Int, kind: SegmentKind, text: String) {
        self.id = id
        self.kind = kind
        self.text = text
    }

    /// False when nothing but placeholders, digits and punctuation remain
    /// (a list item that is only `code`, an image with no alt text, a
    /// number cell): such segments are not sent and keep their source text.
    public var hasTranslatableText: Bool {
        var inPlaceholder = false
        for ch in text {
            if ch == "⟦" { inPlaceholder = true } else if ch == "⟧" { inPlaceholder = false } else if !inPlaceholder, ch.isLetter {
                return true
            }
        }
        return false
    }
}

/// How a segment is written in a chunk sent to the model (its block marker).
enum EmitStyle: Sendable, Equatable {
    case atxHeading(Int)
    case setextHeading(Int)
    case paragraph
    case quote
    case listItem(marker: String)
    case tableCell(table: Int, row: Int, column: Int)

    var kind: SegmentKind {
        switch self {
        case .atxHeading(let l), .setextHeading(let l): return .heading(level: l)
        case .paragraph: return .paragraph
        case .quote: return .quote
        case .listItem: return .listItem
        case .tableCell: return .tableCell
        }
    }

    /// Headings and table cells live on a single source line.
    var isSingleLine: Bool {
        switch self {
        case .atxHeading, .tableCell: return true
        default: return false
        }
    }
}

/// Where a segment sits in the source and how to write replacement text
/// back: the raw source lines and the exact bytes between them
/// (line terminator + container prefix such as `> ` or list indentation).
struct SegmentSlot: Sendable {
    var style: EmitStyle
    /// Raw (unprotected) content lines of the segment.
    var lines: [String]
    /// `separators[i]` sits between `lines[i]` and `lines[i+1]`.
    var separators: [String]
    /// The literal just before the segment on its first line (`## `, `> - `…).
    var firstLinePrefix: String
    /// Line terminator to use for new lines in a replacement.
    var lineEnding: String

    var rawText: String {
        var s = lines[0]
        for i in 1..<max(lines.count, 1) { s += separators[i - 1] + lines[i] }
        return s
    }

    /// Text joined with plain `\n`: what the model sees (before protection).
    var joinedText: String { lines.joined(separator: "\n") }

    /// Writes a raw replacement (placeholders already restored) with the
    /// source's container prefixes: same separators when the line count is
    /// unchanged, otherwise the second line's prefix (or one derived from the
    /// first-line prefix) for every continuation line.
    func render(raw replacement: String) -> String {
        var text = replacement.replacingOccurrences(of: "\r\n", with: "\n")
        if style.isSingleLine {
            return text.split(separator: "\n", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        // Blank lines inside a replacement would end the block and break the structure.
        while text.contains("\n\n") { text = text.replacingOccurrences(of: "\n\n", with: "\n") }
        let newLines = text.components(separatedBy: "\n")
        if newLines.count == 1 { return newLines[0] }
        if newLines.count == lines.count {
            var s = newLines[0]
            for i in 1..<newLines.count { s += separators[i - 1] + newLines[i] }
            return s
        }
        let continuation: String
        if let first = separators.first {
            continuation = lineEnding + String(first.dropFirst())  // "\r\n" is one Character
        } else {
            // Keep `>` quote markers, turn list markers into spaces of the same width.
            continuation = lineEnding + String(firstLinePrefix.map { $0 == ">" || $0 == " " || $0 == "\t" ? $0 : " " })
        }
        return newLines.joined(separator: continuation)
    }
}

/// A document is a flat sequence of literal bytes and segment slots;
/// concatenating them reproduces the source exactly.
enum Piece: Sendable {
    case literal(String)
    case segment(Int)
}
