import Foundation
import Logging

/// Remembers, per channel, which items it announced and when its last digest went out, and runs
/// one round: decide, send, record. `NotificationService` calls it once per poll; a test or a
/// "send now" command can call it directly with its own clock.
///
/// Channels are independent: a mail server that is down does not hold back the webhook, and
/// items are marked announced on a channel only once that channel accepted the digest — so a
/// failed digest goes out again at the next round, as soon as the channel is back.
///
/// The memory can be saved (``memory``) and handed to the next announcer (a restart, a
/// configuration reload), so items already announced stay quiet.
public struct Announcer: Sendable {
    /// What a round did on one channel.
    public enum Outcome: Sendable {
        /// Nothing new, or the last digest is more recent than the interval.
        case idle
        /// A digest of `count` items, `newCount` of them new, was accepted.
        case sent(count: Int, newCount: Int)
        /// The channel failed; the same items are tried again next round.
        case failed(any Error)

        /// Whether a digest went out.
        public var isSent: Bool {
            if case .sent = self { return true }
            return false
        }
    }

    /// One channel's result in a round.
    public struct Report: Sendable {
        public var channel: String
        public var outcome: Outcome
    }

    struct ChannelState: Sendable {
        var announced: Set<String> = []
        var lastDigest: Date?
        /// Failures since the last success; drives how loudly they are logged.
        var failures = 0
        var lastErrorCode: String?
    }

    /// The channels, in the order of the reports.
    public let channels: [any NotificationChannel]
    /// Minimum seconds between two digests on one channel.
    public let interval: Double
    /// The approvers' page, put in every digest.
    public let pageURL: String?
    private let logger: Logger
    private var states: [ChannelState]

    /// Logged again at error level every this many consecutive failures, so a channel that
    /// stays broken is seen in the log without one error line per poll.
    static let failureReminderEvery = 20

    /// Creates an announcer that remembers what `memory` says each channel (by its audience)
    /// announced, or nothing when it is nil.
    public init(channels: [any NotificationChannel], interval: Double, pageURL: String? = nil, logger: Logger,
                remembering memory: AnnouncementMemory? = nil) {
        self.channels = channels
        self.interval = interval
        self.pageURL = pageURL
        self.logger = logger
        self.states = channels.map { channel in
            guard let saved = memory?.channels[channel.audience] else { return ChannelState() }
            return ChannelState(announced: Set(saved.announced), lastDigest: saved.lastDigest)
        }
    }

    /// What each channel announced and when, to save and give to the next announcer.
    public var memory: AnnouncementMemory {
        var out = AnnouncementMemory()
        for (index, channel) in channels.enumerated() {
            out.channels[channel.audience] = .init(announced: states[index].announced.sorted(), lastDigest: states[index].lastDigest)
        }
        return out
    }

    /// The item IDs channel `name` has announced and that were still pending at the last round.
    public func announced(on name: String) -> Set<String> {
        channels.firstIndex { $0.name == name }.map { states[$0].announced } ?? []
    }

    /// One round: forgets items no longer pending, decides per channel, sends the digests at the
    /// same time, records what was accepted, and logs.
    @discardableResult
    public mutating func round(pending: [PendingItem], now: Date) async -> [Report] {
        let pendingIDs = Set(pending.map(\.id))
        var digests: [Digest?] = []
        for index in states.indices {
            // An item that left review (approved, rejected) is forgotten: if it ever came back, it
            // would be news again.
            states[index].announced.formIntersection(pendingIDs)
            digests.append(Digest.next(
                pending: pending, announced: states[index].announced, lastDigest: states[index].lastDigest,
                now: now, interval: interval, pageURL: pageURL))
        }

        let channels = self.channels
        let errors = await withTaskGroup(of: (Int, (any Error)?).self) { group -> [Int: any Error] in
            for (index, digest) in digests.enumerated() {
                guard let digest else { continue }
                group.addTask {
                    do {
                        try await channels[index].deliver(digest)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var errors: [Int: any Error] = [:]
            for await (index, error) in group { if let error { errors[index] = error } }
            return errors
        }

        var reports: [Report] = []
        for (index, digest) in digests.enumerated() {
            let name = channels[index].name
            guard let digest else {
                reports.append(Report(channel: name, outcome: .idle))
                continue
            }
            if let error = errors[index] {
                recordFailure(error, channel: index, digest: digest)
                reports.append(Report(channel: name, outcome: .failed(error)))
            } else {
                recordSuccess(channel: index, digest: digest, now: now)
                reports.append(Report(channel: name, outcome: .sent(count: digest.count, newCount: digest.newCount)))
            }
        }
        return reports
    }

    private mutating func recordSuccess(channel index: Int, digest: Digest, now: Date) {
        let previousFailures = states[index].failures
        states[index].announced.formUnion(digest.itemIDs)
        states[index].lastDigest = now
        states[index].failures = 0
        states[index].lastErrorCode = nil
        var metadata: Logger.Metadata = [
            "guichet.notify.channel": "\(channels[index].name)",
            "guichet.notify.items": "\(digest.count)",
            "guichet.notify.new": "\(digest.newCount)",
        ]
        if previousFailures > 0 {
            metadata["guichet.notify.failures"] = "\(previousFailures)"
            logger.notice("notification channel works again; digest sent", metadata: metadata)
        } else {
            logger.info("digest sent", metadata: metadata)
        }
    }

    private mutating func recordFailure(_ error: any Error, channel index: Int, digest: Digest) {
        let notifyError = error as? NotifyError
        var metadata: Logger.Metadata = [
            "guichet.notify.channel": "\(channels[index].name)",
            "guichet.notify.items": "\(digest.count)",
            "guichet.notify.error": "\(notifyError?.code.rawValue ?? "\(type(of: error))")",
        ]
        if notifyError?.code == .cancelled || error is CancellationError {
            logger.debug("digest interrupted by shutdown", metadata: metadata)
            return
        }
        states[index].failures += 1
        let failures = states[index].failures
        let code = notifyError?.code.rawValue ?? "\(type(of: error))"
        let changed = states[index].lastErrorCode != code
        states[index].lastErrorCode = code
        metadata["guichet.notify.failures"] = "\(failures)"
        if let status = notifyError?.serverStatus { metadata["guichet.notify.status"] = "\(status)" }
        if let notifyError {
            metadata["guichet.notify.detail"] = "\(notifyError.message)"
            metadata["guichet.notify.remedy"] = "\(notifyError.remedy)"
            if let underlying = notifyError.underlying { metadata["guichet.notify.cause"] = "\(underlying)" }
        } else {
            metadata["guichet.notify.detail"] = "\(error)"
        }
        if failures == 1 || changed {
            logger.error("digest not delivered; will retry at the next poll", metadata: metadata)
        } else if failures % Self.failureReminderEvery == 0 {
            logger.error("digest still not delivered", metadata: metadata)
        } else {
            logger.debug("digest not delivered again", metadata: metadata)
        }
    }
}
