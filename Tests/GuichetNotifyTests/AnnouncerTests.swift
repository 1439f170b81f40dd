import Foundation
import GuichetNotify
import Testing

/// The service's memory, driven with an explicit clock: no sleeping, no sockets.
@Suite("Announcer: one digest per round at most, per channel")
struct AnnouncerTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("nothing pending: nothing sent")
    func nothingPending() async {
        let channel = RecordingChannel()
        var announcer = Announcer(channels: [channel], interval: 900, logger: LogCapture().logger())
        let reports = await announcer.round(pending: [], now: start)
        #expect(channel.digests.isEmpty)
        #expect(reports.count == 1 && !reports[0].outcome.isSent)
    }

    @Test("5 new items: exactly one digest; no second within the interval even with new items; one after it")
    func intervalRule() async throws {
        let channel = RecordingChannel()
        var announcer = Announcer(channels: [channel], interval: 900, logger: LogCapture().logger())
        let five = (1...5).map { item("i\($0)", now: start) }

        await announcer.round(pending: five, now: start)
        await announcer.round(pending: five, now: start.addingTimeInterval(30))
        #expect(channel.digests.count == 1)
        #expect(channel.digests.first?.count == 5)

        let more = five + [item("i6", now: start), item("i7", now: start)]
        await announcer.round(pending: more, now: start.addingTimeInterval(600))
        #expect(channel.digests.count == 1, "inside the interval")

        await announcer.round(pending: more, now: start.addingTimeInterval(900))
        #expect(channel.digests.count == 2)
        let second = try #require(channel.digests.last)
        #expect(second.count == 7)
        #expect(second.newCount == 2)

        await announcer.round(pending: more, now: start.addingTimeInterval(5000))
        #expect(channel.digests.count == 2, "only announced items: nothing to say")
    }

    @Test("items that leave review are forgotten; what stays announced stays quiet")
    func forgetting() async {
        let channel = RecordingChannel()
        var announcer = Announcer(channels: [channel], interval: 0, logger: LogCapture().logger())
        await announcer.round(pending: [item("a", now: start), item("b", now: start)], now: start)
        await announcer.round(pending: [item("b", now: start)], now: start.addingTimeInterval(1))
        #expect(announcer.announced(on: "recording") == ["b"])
        #expect(channel.digests.count == 1)
        // "a" comes back (re-run after a rejection): it is news again.
        await announcer.round(pending: [item("a", now: start), item("b", now: start)], now: start.addingTimeInterval(2))
        #expect(channel.digests.count == 2)
        #expect(channel.digests.last?.newCount == 1)
    }

    @Test("a restart or reload remembers what was announced and when, through the saved file")
    func rememberedAcrossRestarts() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-announced-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let store = FileAnnouncementStore(url: file)
        #expect(try store.load() == nil)
        let five = (1...5).map { item("i\($0)", now: start) }
        var first = Announcer(channels: [RecordingChannel()], interval: 900, logger: LogCapture().logger())
        await first.round(pending: five, now: start)
        try store.save(first.memory)
        #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) == 0o600)
        #expect(!(try String(contentsOf: file, encoding: .utf8)).contains(".docx"), "IDs only, no document names")

        // The next run: what was announced stays quiet, even long after the interval.
        let channel = RecordingChannel()
        var next = Announcer(channels: [channel], interval: 900, logger: LogCapture().logger(), remembering: try store.load())
        await next.round(pending: five, now: start.addingTimeInterval(5000))
        #expect(channel.digests.isEmpty)
        // The interval also carries over: a new item right after the restart waits for it.
        var early = Announcer(channels: [channel], interval: 900, logger: LogCapture().logger(), remembering: try store.load())
        await early.round(pending: five + [item("i6", now: start)], now: start.addingTimeInterval(60))
        #expect(channel.digests.isEmpty)
        await next.round(pending: five + [item("i6", now: start)], now: start.addingTimeInterval(5001))
        #expect(channel.digests.count == 1)
        #expect(channel.digests.first?.count == 6 && channel.digests.first?.newCount == 1)
        // Another channel's memory is its own: a new webhook announces everything once.
        let webhook = RecordingChannel(name: "webhook")
        var added = Announcer(channels: [webhook], interval: 900, logger: LogCapture().logger(), remembering: try store.load())
        await added.round(pending: five, now: start.addingTimeInterval(5002))
        #expect(webhook.digests.first?.count == 5)
    }

    @Test("a failing channel does not mark items announced; the other channel is not held back")
    func failureIsolation() async throws {
        let good = RecordingChannel(name: "good")
        let bad = RecordingChannel(name: "bad")
        bad.setFailing(true)
        let logs = LogCapture()
        var announcer = Announcer(channels: [good, bad], interval: 900, logger: logs.logger())
        let pending = [item("a", now: start)]

        for step in 0..<5 {
            await announcer.round(pending: pending, now: start.addingTimeInterval(Double(step) * 30))
        }
        #expect(good.digests.count == 1)
        #expect(bad.digests.isEmpty)
        #expect(announcer.announced(on: "good") == ["a"])
        #expect(announcer.announced(on: "bad").isEmpty)
        #expect(logs.count(.error, containing: "not delivered") == 1, "logged once, not at every poll")

        bad.setFailing(false)
        let reports = await announcer.round(pending: pending, now: start.addingTimeInterval(200))
        #expect(bad.digests.count == 1, "retried at the next round, without waiting for the interval")
        #expect(good.digests.count == 1)
        #expect(reports.map(\.outcome.isSent) == [false, true])
        #expect(logs.count(.notice, containing: "works again") == 1)
        let recovered = try #require(logs.all.first { $0.message.contains("works again") })
        #expect(recovered.metadata["guichet.notify.channel"] == "bad")
        #expect(recovered.metadata["guichet.notify.failures"] == "5")
    }
}
