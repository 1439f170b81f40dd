import Foundation
import Logging
import ServiceLifecycle

/// Tells approvers that results wait: every `pollInterval` it asks the source what is pending
/// and sends a digest through each channel when `Digest.shouldSend` says so.
///
/// Add it to the daemon's `ServiceGroup`. On graceful shutdown it stops at once, aborting a
/// send in progress (nothing is lost: the items stay pending and are announced at the next start,
/// unless the digest had already gone out).
/// A failing source or channel is logged and tried again at the next poll; the service itself
/// never throws.
public struct NotificationService: Service, CustomStringConvertible {
    public var description: String { "NotificationService" }

    /// The settings it was created with.
    public let settings: NotificationSettings
    /// The channels digests go through.
    public let channels: [any NotificationChannel]
    private let source: any PendingItemSource
    private let logger: Logger
    private let memoryStore: (any AnnouncementStore)?

    /// Creates the service. Only stores its arguments: nothing runs before `run()`.
    ///
    /// - Parameters:
    ///   - channels: the channels to use; nil (the default) builds them from `settings`
    ///     (`SMTPMailer` for `email`, `WebhookNotifier` for `webhook`).
    ///   - texts: the language of the e-mails.
    ///   - memory: where what was announced is kept between runs; nil keeps it in memory only
    ///     (a restart then announces what still waits once more).
    public init(
        settings: NotificationSettings, source: any PendingItemSource, logger: Logger,
        texts: DigestTexts = .french, channels: [any NotificationChannel]? = nil, memory: (any AnnouncementStore)? = nil
    ) {
        self.settings = settings
        self.source = source
        self.logger = logger
        self.memoryStore = memory
        self.channels = channels ?? Self.channels(for: settings, texts: texts)
    }

    /// The channels the settings turn on, e-mail first.
    public static func channels(for settings: NotificationSettings, texts: DigestTexts = .french) -> [any NotificationChannel] {
        var channels: [any NotificationChannel] = []
        if let email = settings.email { channels.append(SMTPMailer(settings: email, texts: texts)) }
        if let webhook = settings.webhook { channels.append(WebhookNotifier(settings: webhook)) }
        return channels
    }

    public func run() async throws {
        guard !channels.isEmpty else {
            // Returning would end the whole ServiceGroup (its default for a service that
            // finishes), so an idle service waits for the shutdown like the others.
            logger.debug("notifications off: no channel configured")
            try? await gracefulShutdown()
            return
        }
        logger.info("notifying approvers", metadata: [
            "guichet.notify.channels": "\(channels.map(\.name).joined(separator: ","))",
            "guichet.notify.interval_s": "\(settings.interval)",
        ])
        let settings = self.settings, channels = self.channels, source = self.source, logger = self.logger, memoryStore = self.memoryStore
        let remembered: AnnouncementMemory?
        do {
            remembered = try memoryStore?.load()
        } catch {
            // Unreadable: start afresh; the worst outcome is one digest too many.
            logger.warning("cannot read what was already announced; starting afresh", metadata: ["guichet.notify.error": "\(error)"])
            remembered = nil
        }
        do {
            try await cancelWhenGracefulShutdown {
                var announcer = Announcer(channels: channels, interval: settings.interval, pageURL: settings.pageURL, logger: logger,
                                          remembering: remembered)
                var sourceFailures = 0
                let pause = Duration.milliseconds(Int64((max(settings.pollInterval, 0.01) * 1000).rounded()))
                while !Task.isCancelled {
                    do {
                        let pending = try await source.pendingItems()
                        if sourceFailures > 0 {
                            logger.notice("pending items readable again", metadata: ["guichet.notify.failures": "\(sourceFailures)"])
                            sourceFailures = 0
                        }
                        let before = announcer.memory
                        await announcer.round(pending: pending, now: Date())
                        let after = announcer.memory
                        if let memoryStore, after != before {
                            do { try memoryStore.save(after) } catch {
                                logger.warning("cannot save what was announced", metadata: ["guichet.notify.error": "\(error)"])
                            }
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        sourceFailures += 1
                        // Logged once per streak: the store's own errors are reported by the store.
                        let level: Logger.Level = sourceFailures == 1 ? .warning : .debug
                        logger.log(level: level, "cannot read the pending items; will retry at the next poll", metadata: [
                            "guichet.notify.error": "\(error)", "guichet.notify.failures": "\(sourceFailures)",
                        ])
                    }
                    try await Task.sleep(for: pause)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown or cancellation.
        }
        logger.debug("notification service stopped")
    }
}
