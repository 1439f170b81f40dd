/// Finds quotes in a source text exactly as the citation check does (same normalisation, same
/// search), for the review page to show each verified quote in its context. Built once per
/// page, for all of its quotes.
public struct QuoteFinder: Sendable {
    /// A quote with the source text around it.
    public struct Context: Sendable, Equatable {
        /// Up to `radius` characters before the quote, with "…" when the text goes on.
        public var before: String
        /// The quote as the source writes it.
        public var match: String
        public var after: String
    }

    let verifier: QuoteVerifier
    let characters: [Character]

    public init(source: String) {
        verifier = QuoteVerifier(source: source)
        characters = Array(source)
    }

    /// The quote in its context, or nil when the source does not contain it.
    public func context(of quote: String, radius: Int = 200) -> Context? {
        guard let r = verifier.characterRange(of: quote) else { return nil }
        let start = min(r.lowerBound, characters.count), end = min(r.upperBound, characters.count)
        let from = max(0, start - radius), to = min(characters.count, end + radius)
        return Context(before: (from > 0 ? "…" : "") + String(characters[from..<start]),
                       match: String(characters[start..<end]),
                       after: String(characters[end..<to]) + (to < characters.count ? "…" : ""))
    }
}
