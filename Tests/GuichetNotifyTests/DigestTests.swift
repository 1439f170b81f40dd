import Foundation
import GuichetNotify
import Testing

@Suite("Digest: when to send and what it says")
struct DigestTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("nothing pending: nothing to send, whatever the interval")
    func nothingPending() {
        #expect(!Digest.shouldSend(pending: [], announced: [], lastDigest: nil, now: now, interval: 0))
        #expect(Digest.next(pending: [], announced: ["a"], lastDigest: nil, now: now, interval: 900) == nil)
    }

    @Test("the first digest goes out at once, when something is new")
    func firstDigestImmediately() {
        let pending = (1...5).map { item("i\($0)", now: now) }
        let digest = Digest.next(pending: pending, announced: [], lastDigest: nil, now: now, interval: 900)
        #expect(digest?.count == 5)
        #expect(digest?.newCount == 5)
        #expect(digest?.itemIDs == Set(pending.map(\.id)))
    }

    @Test("new items inside the interval wait; after it they are sent")
    func interval() {
        let last = now.addingTimeInterval(-899)
        let pending = [item("old", now: now), item("new", now: now)]
        #expect(!Digest.shouldSend(pending: pending, announced: ["old"], lastDigest: last, now: now, interval: 900))
        #expect(Digest.shouldSend(pending: pending, announced: ["old"], lastDigest: now.addingTimeInterval(-900), now: now, interval: 900))
        let digest = Digest.next(pending: pending, announced: ["old"], lastDigest: now.addingTimeInterval(-1000), now: now, interval: 900)
        #expect(digest?.count == 2)
        #expect(digest?.newCount == 1)
    }

    @Test("items already announced never trigger a digest on their own")
    func announcedAlone() {
        let pending = [item("a", now: now), item("b", now: now)]
        #expect(!Digest.shouldSend(pending: pending, announced: ["a", "b"], lastDigest: now.addingTimeInterval(-86_400), now: now, interval: 900))
        #expect(!Digest.shouldSend(pending: pending, announced: ["a", "b", "gone"], lastDigest: nil, now: now, interval: 0))
    }

    @Test("French body: counts per pipeline, oldest wait, names, link")
    func frenchContent() throws {
        let pending = [
            item("1", "translate", name: "Rapport annuel.docx", minutesAgo: 135, now: now),
            item("2", "translate", name: "/srv/watch/translate/Note été.md", minutesAgo: 20, now: now),
            item("3", "summarize", name: "compte-rendu.pdf", minutesAgo: 3, now: now),
        ]
        let digest = Digest(pending: pending, announced: ["1"], now: now, pageURL: "https://guichet.example.org/review")
        #expect(digest.subject() == "[Guichet] 3 documents attendent votre validation")
        #expect(digest.countsByPipeline == ["translate": 2, "summarize": 1])
        #expect(digest.oldestWaitingSeconds == 135 * 60)
        let body = digest.body()
        #expect(body.contains("3 documents attendent votre validation (dont 2 nouveaux)."))
        #expect(body.contains("  - summarize : 1"))
        #expect(body.contains("  - translate : 2"))
        #expect(body.contains("Le plus ancien attend depuis 2 h 15 min."))
        #expect(body.contains("  - Rapport annuel.docx (translate, depuis 2 h 15 min)"))
        #expect(body.contains("  - Note été.md (translate, depuis 20 min)"), "only the last path component")
        #expect(!body.contains("/srv/watch"))
        #expect(body.contains("https://guichet.example.org/review"))
        // Oldest first.
        let first = try #require(body.range(of: "Rapport annuel"))
        let last = try #require(body.range(of: "compte-rendu"))
        #expect(first.lowerBound < last.lowerBound)
    }

    @Test("singular, no link, and the English texts")
    func singularAndEnglish() {
        let digest = Digest(pending: [item("1", now: now)], announced: [], now: now)
        #expect(digest.subject() == "[Guichet] 1 document attend votre validation")
        #expect(digest.body().contains("1 document attend votre validation."))
        #expect(digest.body().contains("ouvrez le dossier de validation"))
        #expect(digest.subject(.english) == "[Guichet] 1 document awaits your review")
        #expect(digest.body(.english).contains("The oldest has been waiting for 5 min."))
    }

    @Test("at most 20 names, the rest counted; control characters in names neutralised")
    func listCapAndSanitising() {
        var pending = (1...26).map { item("i\($0)", name: "f\($0).txt", minutesAgo: Double(100 - $0), now: now) }
        pending.append(item("evil", name: "x.txt\nSubject: forged\r\n", minutesAgo: 200, now: now))
        let digest = Digest(pending: pending, announced: [], now: now)
        #expect(digest.count == 27)
        #expect(digest.listedItems.count == Digest.maxListedItems)
        let body = digest.body()
        #expect(body.contains("  … et 7 autres."))
        #expect(!body.contains("\nSubject: forged"))
        #expect(body.contains("x.txt?Subject: forged??"))
        #expect(body.contains("f1.txt"))
        #expect(!body.contains("f26.txt"), "the newest are the ones left out")
    }

    @Test("duplicate IDs from the source are counted once")
    func duplicates() {
        let digest = Digest(pending: [item("a", now: now), item("a", now: now), item("b", now: now)], announced: [], now: now)
        #expect(digest.count == 2)
    }

    @Test("durations read naturally", arguments: [
        (10.0, "1 min"), (59.0, "1 min"), (300.0, "5 min"), (3600.0, "1 h"), (3900.0, "1 h 05 min"),
        (90_000.0, "1 j 1 h"), (172_800.0, "2 j"),
    ])
    func durations(seconds: Double, expected: String) {
        #expect(DigestTexts.french.duration(seconds) == expected)
    }
}
