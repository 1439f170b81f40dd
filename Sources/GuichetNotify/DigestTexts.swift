/// Every sentence of a digest, in one place, so that another language is one more value.
///
/// French is the default (the approvers' language); `english` shows how to add one. Each
/// closure gets numbers or already formatted pieces and returns a whole line.
public struct DigestTexts: Sendable {
    /// Subject line for `count` items.
    public var subject: @Sendable (_ count: Int) -> String
    /// First line of the body.
    public var greeting: String
    /// "3 documents attendent votre validation (dont 1 nouveau)."
    public var headline: @Sendable (_ count: Int, _ newCount: Int) -> String
    /// Title above the counts per pipeline.
    public var byPipelineTitle: String
    /// One pipeline and its count.
    public var pipelineLine: @Sendable (_ pipeline: String, _ count: Int) -> String
    /// The oldest wait, given as formatted by `duration`.
    public var oldest: @Sendable (_ waited: String) -> String
    /// Title above the file names.
    public var listTitle: String
    /// One file: its name, its pipeline and how long it has waited.
    public var listItem: @Sendable (_ name: String, _ pipeline: String, _ waited: String) -> String
    /// The line for the files not listed.
    public var andMore: @Sendable (_ remaining: Int) -> String
    /// The line with the approvers' page.
    public var link: @Sendable (_ url: String) -> String
    /// The line when no page is configured.
    public var noLink: String
    /// Last line(s) of the body.
    public var signature: String
    /// A wait in seconds as people say it ("2 h 05 min").
    public var duration: @Sendable (_ seconds: Double) -> String

    /// Creates a language from its pieces.
    public init(
        subject: @escaping @Sendable (Int) -> String, greeting: String,
        headline: @escaping @Sendable (Int, Int) -> String, byPipelineTitle: String,
        pipelineLine: @escaping @Sendable (String, Int) -> String, oldest: @escaping @Sendable (String) -> String,
        listTitle: String, listItem: @escaping @Sendable (String, String, String) -> String,
        andMore: @escaping @Sendable (Int) -> String, link: @escaping @Sendable (String) -> String, noLink: String,
        signature: String, duration: @escaping @Sendable (Double) -> String
    ) {
        self.subject = subject
        self.greeting = greeting
        self.headline = headline
        self.byPipelineTitle = byPipelineTitle
        self.pipelineLine = pipelineLine
        self.oldest = oldest
        self.listTitle = listTitle
        self.listItem = listItem
        self.andMore = andMore
        self.link = link
        self.noLink = noLink
        self.signature = signature
        self.duration = duration
    }

    /// French, the default.
    public static let french = DigestTexts(
        subject: { count in
            "[Guichet] " + (count == 1 ? "1 document attend votre validation" : "\(count) documents attendent votre validation")
        },
        greeting: "Bonjour,",
        headline: { count, new in
            let head = count == 1 ? "1 document attend votre validation" : "\(count) documents attendent votre validation"
            if new == 0 || new == count { return head + "." }
            return head + (new == 1 ? " (dont 1 nouveau)." : " (dont \(new) nouveaux).")
        },
        byPipelineTitle: "Par traitement :",
        pipelineLine: { pipeline, count in "  - \(pipeline) : \(count)" },
        oldest: { "Le plus ancien attend depuis \($0)." },
        listTitle: "Documents :",
        listItem: { name, pipeline, waited in "  - \(name) (\(pipeline), depuis \(waited))" },
        andMore: { $0 == 1 ? "  … et 1 autre." : "  … et \($0) autres." },
        link: { "Pour les relire et les valider : \($0)" },
        noLink: "Pour les relire et les valider, ouvrez le dossier de validation de Guichet.",
        signature: "-- \nGuichet (message automatique, ne pas répondre)",
        duration: { formatDuration($0, minute: "min", hour: "h", day: "j") }
    )

    /// English.
    public static let english = DigestTexts(
        subject: { count in
            "[Guichet] " + (count == 1 ? "1 document awaits your review" : "\(count) documents await your review")
        },
        greeting: "Hello,",
        headline: { count, new in
            let head = count == 1 ? "1 document awaits your review" : "\(count) documents await your review"
            if new == 0 || new == count { return head + "." }
            return head + " (\(new) new)."
        },
        byPipelineTitle: "By pipeline:",
        pipelineLine: { pipeline, count in "  - \(pipeline): \(count)" },
        oldest: { "The oldest has been waiting for \($0)." },
        listTitle: "Documents:",
        listItem: { name, pipeline, waited in "  - \(name) (\(pipeline), for \(waited))" },
        andMore: { "  … and \($0) more." },
        link: { "To review them: \($0)" },
        noLink: "To review them, open Guichet's review folder.",
        signature: "-- \nGuichet (automatic message, do not reply)",
        duration: { formatDuration($0, minute: "min", hour: "h", day: "d") }
    )

    /// Minutes, hours and days, rounded down; under a minute shows as 1 min, because
    /// "depuis 0 min" reads like a fault.
    static func formatDuration(_ seconds: Double, minute: String, hour: String, day: String) -> String {
        let totalMinutes = max(1, Int(seconds.isFinite ? seconds : 0) / 60)
        let days = totalMinutes / 1440
        let hours = (totalMinutes % 1440) / 60
        let minutes = totalMinutes % 60
        if days > 0 { return hours > 0 ? "\(days) \(day) \(hours) \(hour)" : "\(days) \(day)" }
        if hours > 0 { return minutes > 0 ? "\(hours) \(hour) \(minutes < 10 ? "0" : "")\(minutes) \(minute)" : "\(hours) \(hour)" }
        return "\(minutes) \(minute)"
    }
}
