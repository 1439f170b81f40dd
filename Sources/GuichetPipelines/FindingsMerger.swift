import Foundation
import GuichetCore

/// A merged finding with every citation that supports it.
struct Finding: Sendable, Equatable {
    struct Citation: Sendable, Equatable {
        var quote: String
        var location: QuoteVerifier.Location?
        /// The quote normalised for comparison (``FindingsMerger/key(_:)``), worked out once:
        /// every consolidation round compares citations again.
        let key: String
        var verified: Bool { location != nil }

        init(quote: String, location: QuoteVerifier.Location?) {
            self.quote = quote
            self.location = location
            key = FindingsMerger.key(quote)
        }
    }

    var category: String
    var statement: String
    var citations: [Citation]
    /// Order of first appearance in the document, the last tie-breaker when ranking.
    var firstSeen: Int

    var verifiedCount: Int { citations.filter(\.verified).count }
}

/// Merges the findings of all chunks: exact duplicates go, near-duplicates (same category,
/// mostly the same words, or the same quote) become one finding that keeps all citations; then
/// each category is ranked (verified first, most cited first, earliest first) and capped.
enum FindingsMerger {
    static func merge(_ items: [(RawFinding, QuoteVerifier.Location?)], categories: [String], cap: Int) -> [String: [Finding]] {
        rankAndCap(mergeDuplicates(items), categories: categories, cap: cap)
    }

    /// Exact and near-duplicates merged, in order of first appearance. The words of each kept
    /// statement and the keys of its quotes are worked out once, not at every comparison.
    static func mergeDuplicates(_ items: [(RawFinding, QuoteVerifier.Location?)]) -> [Finding] {
        var merged: [Finding] = []
        var mergedWords: [Set<String>] = []
        var mergedQuoteKeys: [Set<String>] = []
        for (n, (raw, location)) in items.enumerated() {
            let citation = Finding.Citation(quote: raw.quote, location: location)
            let words = Self.words(raw.statement)
            let quoteKey = citation.key
            if let i = merged.indices.first(where: { i in
                merged[i].category == raw.category
                    // At 0.6 the smaller set has at least 3/5 of the larger's size: a cheap check first.
                    && ((5 * min(mergedWords[i].count, words.count) >= 3 * max(mergedWords[i].count, words.count)
                            && Self.similarity(mergedWords[i], words) >= 0.6)
                        || (!quoteKey.isEmpty && mergedQuoteKeys[i].contains(quoteKey)))
            }) {
                if !mergedQuoteKeys[i].contains(quoteKey) {
                    merged[i].citations.append(citation)
                    mergedQuoteKeys[i].insert(quoteKey)
                }
            } else {
                merged.append(Finding(category: raw.category, statement: raw.statement, citations: raw.quote.isEmpty ? [] : [citation], firstSeen: n))
                mergedWords.append(words)
                mergedQuoteKeys.append(raw.quote.isEmpty ? [] : [quoteKey])
            }
        }
        return merged
    }

    /// Each category ranked (verified first, most cited first, earliest first) and capped.
    static func rankAndCap(_ merged: [Finding], categories: [String], cap: Int) -> [String: [Finding]] {
        var out: [String: [Finding]] = [:]
        for c in categories {
            let ranked = rank(merged.filter { $0.category == c })
            out[c] = Array(ranked.prefix(cap))
        }
        return out
    }

    static func rank(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
                if (a.verifiedCount > 0) != (b.verifiedCount > 0) { return a.verifiedCount > 0 }
                if a.citations.count != b.citations.count { return a.citations.count > b.citations.count }
                return a.firstSeen < b.firstSeen
            }
    }

    /// One finding from several that say the same thing: the best ranked one's statement, every
    /// citation once.
    static func combine(_ group: [Finding]) -> Finding {
        let ranked = rank(group)
        var f = ranked[0]
        var keys = Set(f.citations.map(\.key))
        for other in ranked.dropFirst() {
            for c in other.citations where keys.insert(c.key).inserted {
                f.citations.append(c)
            }
        }
        f.firstSeen = group.map(\.firstSeen).min() ?? f.firstSeen
        return f
    }

    static func words(_ s: String) -> Set<String> {
        Set(s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).filter { $0.count >= 3 }.map(String.init))
    }

    /// Jaccard index of two word sets, counted without building the intersection or the union
    /// (every new finding is compared with every kept one of its category).
    static func similarity(_ a: Set<String>, _ b: Set<String>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var shared = 0
        for w in small where large.contains(w) { shared += 1 }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    static func key(_ quote: String) -> String {
        String(QuoteVerifier.compact(QuoteVerifier.normalize(quote)))
    }
}
