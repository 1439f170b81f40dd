/// Plain text: paragraphs are runs of non-blank lines; everything else
/// (blank lines, leading indentation, trailing spaces) is kept verbatim.
enum PlainTextParser {
    static func parse(_ text: String) -> ParsedBlocks {
        let lines = MarkdownSyntax.splitLines(text)
        let lineEnding = lines.first(where: { !$0.terminator.isEmpty })?.terminator ?? "\n"
        var builder = PieceBuilder()
        var i = 0
        while i < lines.count {
            if MarkdownSyntax.isBlank(lines[i].content) {
                builder.literal(lines[i].content)
                builder.literal(lines[i].terminator)
                i += 1
                continue
            }
            let first = lines[i].content
            let start = MarkdownSyntax.indentation(first[...]).textStart
            var contents = [String(first[start...])]
            var separators: [String] = []
            var k = i + 1
            while k < lines.count, !MarkdownSyntax.isBlank(lines[k].content) {
                separators.append(lines[k - 1].terminator)
                contents.append(lines[k].content)
                k += 1
            }
            let last = contents[contents.count - 1]
            let trimmed = last.trimmingTrailingBlanks
            contents[contents.count - 1] = trimmed
            let prefix = String(first[..<start])
            builder.literal(prefix)
            builder.segment(SegmentSlot(style: .paragraph, lines: contents, separators: separators,
                                        firstLinePrefix: prefix, lineEnding: lineEnding))
            builder.literal(last.dropFirst(trimmed.count))
            builder.literal(lines[k - 1].terminator)
            i = k
        }
        return builder.finish()
    }
}
