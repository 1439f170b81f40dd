import Foundation
import GuichetCore
import GuichetDocuments

/// Source and result passage by passage, for the review page: a stored chunk answer is the
/// new text of each of the chunk's segments, lined up here with the chunk's own segments.
public enum ReviewPassages {
    public struct Pair: Sendable, Equatable {
        public var source: String
        public var result: String
    }

    public static func pairs(_ chunks: [ChunkRecord], format: String) -> [Pair] {
        chunks.sorted { $0.index < $1.index }.flatMap { c -> [Pair] in
            guard let raw = c.result else { return [Pair(source: c.source, result: "")] }
            guard let answer = try? MapChunkResult.decode(raw) else { return [Pair(source: c.source, result: raw)] }
            let results = answer.segmentMap.sorted { $0.key < $1.key }.map(\.value)
            let sources = TextDocument(format: format == "txt" ? .plainText : .markdown, text: c.source)
                .segments.filter(\.hasTranslatableText).map(\.text)
            // The chunk's segments, parsed again, line up with the answers one for one unless
            // a segment was split when the model could not handle it whole: then the chunk
            // is shown as one passage.
            guard sources.count == results.count else {
                return [Pair(source: c.source, result: results.joined(separator: "\n\n"))]
            }
            return zip(sources, results).map { Pair(source: $0, result: $1) }
        }
    }
}
