import Foundation

/// What is stored for one finished chunk of a structure-keeping (`map`) pipeline: the new text
/// of each segment, and the notes for the reviewer.
struct MapChunkResult: Codable, Sendable, Equatable {
    var segments: [String: String]
    var flags: [String]

    init(segments: [Int: String], flags: [String]) {
        self.segments = Dictionary(uniqueKeysWithValues: segments.map { ("\($0.key)", $0.value) })
        self.flags = flags
    }

    var segmentMap: [Int: String] {
        Dictionary(uniqueKeysWithValues: segments.compactMap { k, v in Int(k).map { ($0, v) } })
    }

    func encoded() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    static func decode(_ s: String) throws -> MapChunkResult {
        try JSONDecoder().decode(MapChunkResult.self, from: Data(s.utf8))
    }
}
