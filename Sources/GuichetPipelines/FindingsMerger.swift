import Foundation
import GuichetCore

/// A merged finding with every citation that supports it.
struct Finding: Sendable, Equatable {
    struct Citation: Sendable, Equatable {
        var quote: String
        var location: QuoteVerifier.Location?
        var verified: Bool { location != nil }
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
            let quoteKey = Self.key(raw.quote)
            if let i = merged.indices.first(where: { i in
                merged[i].category == raw.category
                    && (Self.similarity(mergedWords[i], words) >= 0.6
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
        var keys = Set(f.citations.map { key($0.quote) })
        for other in ranked.dropFirst() {
            for c in other.citations where keys.insert(key(c.quote)).inserted {
                f.citations.append(c)
            }
        }
        f.firstSeen = group.map(\.firstSeen).min() ?? f.firstSeen
        return f
    }

    static func words(_ s: String) -> Set<String> {
        Set(s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).filter { $0.count >= 3 }.map(String.init))
    }

    static func similarity(_ a: Set<String>, _ b: Set<String>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    static func key(_ quote: String) -> String {
        String(QuoteVerifier.compact(QuoteVerifier.normalize(quote)))
    }
}
