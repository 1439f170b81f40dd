import Foundation

/// One summary of what waits for review, and the rule deciding when a channel gets one.
///
/// Pure: no clock, no I/O. The service passes in the time, the pending items and what a channel
/// already announced; the same inputs always give the same digest.
public struct Digest: Sendable, Equatable {
    /// At most this many file names are listed; the counts cover the rest.
    public static let maxListedItems = 20
    /// Longer file names are cut (with `…`) so one odd name cannot swamp a message.
    static let maxNameLength = 120

    /// When the digest was composed.
    public let generatedAt: Date
    /// How many items wait in all.
    public let count: Int
    /// How many of them no digest on this channel mentioned before.
    public let newCount: Int
    /// Items per pipeline.
    public let countsByPipeline: [String: Int]
    /// When the oldest item started waiting.
    public let oldestWaitingSince: Date
    /// Up to `maxListedItems` items, oldest first, with names reduced to a safe file name.
    public let listedItems: [PendingItem]
    /// The IDs of every pending item the digest covers: marked announced once it is delivered.
    public let itemIDs: Set<String>
    /// The approvers' page, if configured.
    public let pageURL: String?

    /// Seconds the oldest item has been waiting.
    public var oldestWaitingSeconds: Int { max(0, Int(generatedAt.timeIntervalSince(oldestWaitingSince))) }

    /// Whether a channel should get a digest now.
    ///
    /// Yes only when some pending item was never announced on that channel AND the last digest
    /// is at least `interval` seconds old (the first digest goes out at once). Items that were
    /// already announced never trigger a digest on their own: approvers know about them.
    public static func shouldSend(
        pending: [PendingItem], announced: Set<String>, lastDigest: Date?, now: Date, interval: Double
    ) -> Bool {
        guard pending.contains(where: { !announced.contains($0.id) }) else { return false }
        guard let lastDigest else { return true }
        return now.timeIntervalSince(lastDigest) >= interval
    }

    /// The digest a channel should get now, or nil when `shouldSend` says no.
    public static func next(
        pending: [PendingItem], announced: Set<String>, lastDigest: Date?, now: Date, interval: Double,
        pageURL: String? = nil
    ) -> Digest? {
        guard shouldSend(pending: pending, announced: announced, lastDigest: lastDigest, now: now, interval: interval) else {
            return nil
        }
        return Digest(pending: pending, announced: announced, now: now, pageURL: pageURL)
    }

    /// Composes a digest of every pending item (the already announced ones too: approvers get
    /// the whole picture, with the new ones counted apart). `pending` must not be empty for a
    /// meaningful digest; an empty list gives a digest of zero items.
    public init(pending: [PendingItem], announced: Set<String>, now: Date, pageURL: String? = nil) {
        var unique: [String: PendingItem] = [:]
        for item in pending where unique[item.id] == nil { unique[item.id] = item }
        let items = unique.values.sorted {
            ($0.waitingSince, $0.sourceName, $0.id) < ($1.waitingSince, $1.sourceName, $1.id)
        }
        self.generatedAt = now
        self.count = items.count
        self.newCount = items.filter { !announced.contains($0.id) }.count
        self.countsByPipeline = items.reduce(into: [:]) { $0[Self.safeName($1.pipeline), default: 0] += 1 }
        self.oldestWaitingSince = items.first?.waitingSince ?? now
        self.listedItems = items.prefix(Self.maxListedItems).map {
            PendingItem(id: $0.id, pipeline: Self.safeName($0.pipeline), sourceName: Self.safeName($0.sourceName),
                        waitingSince: $0.waitingSince)
        }
        self.itemIDs = Set(unique.keys)
        self.pageURL = pageURL
    }

    /// The subject line in the given language.
    public func subject(_ texts: DigestTexts = .french) -> String {
        texts.subject(count)
    }

    /// The plain-text body in the given language: headline, counts per pipeline, oldest wait,
    /// the file names, the link. Names only — a `PendingItem` carries no document text.
    public func body(_ texts: DigestTexts = .french) -> String {
        var lines = [texts.greeting, "", texts.headline(count, newCount), ""]
        lines.append(texts.byPipelineTitle)
        for pipeline in countsByPipeline.keys.sorted() {
            lines.append(texts.pipelineLine(pipeline, countsByPipeline[pipeline] ?? 0))
        }
        lines += ["", texts.oldest(texts.duration(Double(oldestWaitingSeconds))), "", texts.listTitle]
        for item in listedItems {
            let waited = texts.duration(max(0, generatedAt.timeIntervalSince(item.waitingSince)))
            lines.append(texts.listItem(item.sourceName, item.pipeline, waited))
        }
        if count > listedItems.count { lines.append(texts.andMore(count - listedItems.count)) }
        lines.append("")
        lines.append(pageURL.map(texts.link) ?? texts.noLink)
        lines += ["", texts.signature]
        return lines.joined(separator: "\n")
    }

    /// The last path component, without control characters (a file name may legally hold a
    /// newline, which would forge a line of the message), cut to `maxNameLength`.
    static func safeName(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        var cleaned = String(String.UnicodeScalarView(last.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format ? "?" : $0
        }))
        if cleaned.isEmpty { cleaned = "?" }
        if cleaned.count > maxNameLength { cleaned = String(cleaned.prefix(maxNameLength - 1)) + "…" }
        return cleaned
    }
}
