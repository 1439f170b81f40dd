import Foundation

/// The JSON a webhook receives, e.g.
/// `{"event":"review.pending","count":3,"new_count":1,"pipelines":{"translate":2,"summarize":1},
/// "oldest_waiting_seconds":5400,"items":[{"id":"…","pipeline":"translate","name":"a.docx",
/// "waiting_since":"2026-05-05T08:30:00Z"}],"url":"https://…"}`.
///
/// Like the mail, it names files and never carries document text. `items` is capped at
/// `Digest.maxListedItems`, oldest first; `count` is the full number.
public struct WebhookPayload: Codable, Sendable, Equatable {
    /// One listed item.
    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var pipeline: String
        /// The file name.
        public var name: String
        /// ISO 8601 in UTC, e.g. `2026-05-05T08:30:00Z`.
        public var waitingSince: String

        public init(id: String, pipeline: String, name: String, waitingSince: String) {
            self.id = id
            self.pipeline = pipeline
            self.name = name
            self.waitingSince = waitingSince
        }

        enum CodingKeys: String, CodingKey {
            case id, pipeline, name
            case waitingSince = "waiting_since"
        }
    }

    /// Always `review.pending`, so one endpoint can tell this event from others.
    public var event: String
    public var count: Int
    public var newCount: Int
    public var pipelines: [String: Int]
    public var oldestWaitingSeconds: Int
    public var items: [Item]
    /// The approvers' page; `null` when none is configured.
    public var url: String?

    /// The payload for a digest.
    public init(_ digest: Digest) {
        self.event = "review.pending"
        self.count = digest.count
        self.newCount = digest.newCount
        self.pipelines = digest.countsByPipeline
        self.oldestWaitingSeconds = digest.oldestWaitingSeconds
        self.items = digest.listedItems.map {
            Item(id: $0.id, pipeline: $0.pipeline, name: $0.sourceName, waitingSince: Self.iso8601($0.waitingSince))
        }
        self.url = digest.pageURL
    }

    enum CodingKeys: String, CodingKey {
        case event, count, pipelines, items, url
        case newCount = "new_count"
        case oldestWaitingSeconds = "oldest_waiting_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(count, forKey: .count)
        try container.encode(newCount, forKey: .newCount)
        try container.encode(pipelines, forKey: .pipelines)
        try container.encode(oldestWaitingSeconds, forKey: .oldestWaitingSeconds)
        try container.encode(items, forKey: .items)
        try container.encode(url, forKey: .url)  // an explicit null: receivers need not test for the key
    }

    /// The JSON bytes, keys sorted so two identical digests give identical bodies.
    public func jsonBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
