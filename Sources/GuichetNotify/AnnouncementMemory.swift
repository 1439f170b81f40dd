import Foundation

/// What the announcer remembers per channel (the items it announced, when its last digest went
/// out), so that a restart or a configuration reload does not send every waiting item again.
public struct AnnouncementMemory: Codable, Sendable, Equatable {
    public struct Channel: Codable, Sendable, Equatable {
        public var announced: [String]
        public var lastDigest: Date?

        public init(announced: [String], lastDigest: Date?) {
            self.announced = announced
            self.lastDigest = lastDigest
        }
    }

    /// By channel audience (`email a@x,b@y`, `webhook https://…`).
    public var channels: [String: Channel]

    public init(channels: [String: Channel] = [:]) {
        self.channels = channels
    }
}

/// Where the memory is kept between runs.
public protocol AnnouncementStore: Sendable {
    /// The memory saved last; nil when there is none (first start).
    func load() throws -> AnnouncementMemory?
    func save(_ memory: AnnouncementMemory) throws
}

/// The memory as a small JSON file (item IDs and dates, never names or text), replaced
/// atomically so a crash leaves the previous version or the new one. Readable by its owner only.
public struct FileAnnouncementStore: AnnouncementStore {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public func load() throws -> AnnouncementMemory? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AnnouncementMemory.self, from: Data(contentsOf: url))
    }

    public func save(_ memory: AnnouncementMemory) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(memory).write(to: url, options: [.atomic])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
