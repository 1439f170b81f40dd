import Foundation
import GuichetConfig
import GuichetCore
import GuichetNotify

/// The items a digest announces: results awaiting review (names only, never text).
struct StorePendingItems: PendingItemSource {
    let store: any JobStore

    func pendingItems() async throws -> [PendingItem] {
        try await store.jobs(matching: JobFilter(states: [.awaitingReview], limit: 5_000)).map {
            PendingItem(id: $0.id.rawValue, pipeline: $0.pipeline, sourceName: $0.sourceName, waitingSince: $0.updatedAt)
        }
    }
}

extension Daemon {
    /// The notification settings with their secrets read from files or the environment;
    /// nil when no channel is configured.
    func notificationSettings() throws -> NotificationSettings? {
        let n = configuration.notifications
        guard n.email != nil || n.webhook != nil else { return nil }
        let email = try n.email.map { e in
            EmailSettings(url: e.url, starttls: e.starttls, username: e.username,
                          password: try GuichetConfiguration.secret(file: e.passwordFile, env: e.passwordEnv),
                          from: e.from, fromName: e.fromName, to: e.to)
        }
        let webhook = try n.webhook.map { w in
            WebhookSettings(url: w.url, secret: try GuichetConfiguration.secret(file: w.secretFile, env: w.secretEnv), timeout: w.timeout)
        }
        let settings = NotificationSettings(email: email, webhook: webhook, interval: n.interval,
                                            pageURL: configuration.web.publicURL, pollInterval: n.pollInterval)
        do {
            try settings.validate()
        } catch {
            throw GuichetError(.configuration, "notifications: \(error)")
        }
        return settings
    }

    func makeNotificationService() throws -> NotificationService? {
        guard let settings = try notificationSettings() else { return nil }
        var log = logger
        log[metadataKey: "guichet.component"] = "notify"
        // Kept in the state directory: a restart or a reload does not announce everything again.
        return NotificationService(settings: settings, source: StorePendingItems(store: store), logger: log,
                                   memory: FileAnnouncementStore(url: layout.stateDir.appendingPathComponent("notifications.json")))
    }
}
