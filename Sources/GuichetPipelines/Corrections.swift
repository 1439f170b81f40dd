import Foundation
import GuichetDOCXText
import GuichetDocuments

/// One correction, for the reviewer: what the text said, what it says now, and where.
public struct Correction: Codable, Sendable, Equatable {
    public var passage: Int
    public var before: String
    public var after: String
    public var context: String

    /// The corrections stored for a job (empty when none were recorded).
    public static func stored(inJobDir dir: URL) -> [Correction] {
        guard let data = try? Data(contentsOf: dir.appendingPathComponent(JobRunner.correctionsFileName)) else { return [] }
        return (try? JSONDecoder().decode([Correction].self, from: data)) ?? []
    }
}

/// Proofreading results as corrections rather than new text: the rewrite guard, CriticMarkup,
/// and the list of corrections shown in review.
enum Corrections {
    /// Drops (and flags) the answers that changed too large a share of their passage's words:
    /// a proofreader that rewrites is not proofreading.
    static func guardRewrites(_ mapping: [Int: String], in document: TextDocument, bound: Double) -> ([Int: String], [String]) {
        var kept = mapping
        var flags: [String] = []
        let sources = Dictionary(uniqueKeysWithValues: document.segments.map { ($0.id, $0.text) })
        for (id, text) in mapping.sorted(by: { $0.key < $1.key }) {
            guard let source = sources[id] else { continue }
            let share = rewriteShare(source, text)
            if share > bound {
                kept[id] = nil
                flags.append("Passage \(id) gardé dans sa version d'origine : le modèle a réécrit au lieu de corriger (\(Int(share * 100)) % des mots changés).")
            }
        }
        return (kept, flags)
    }

    /// Share of the passage's words replaced by *different* words. A correction changes words
    /// into close forms (enfant → enfants, a → à, parant → parents); a rewrite puts other words
    /// in their place. Deleted or inserted words with no close counterpart count as rewritten.
    static func rewriteShare(_ old: String, _ new: String) -> Double {
        func words(_ s: String) -> [String] { WordDiff.tokens(s).filter { $0.first?.isLetter == true || $0.first?.isNumber == true } }
        let total = words(old).count
        guard total > 0 else { return 0 }
        var rewritten = 0
        var deleted: [String] = [], inserted: [String] = []
        func flush() {
            for k in 0..<max(deleted.count, inserted.count) {
                if k < deleted.count, k < inserted.count, close(deleted[k], inserted[k]) { continue }
                if k < deleted.count { rewritten += 1 }
            }
            deleted = []
            inserted = []
        }
        for e in WordDiff.diff(old, new) {
            switch e {
            case .same: flush()
            case .delete(let s): deleted += words(s)
            case .insert(let s): inserted += words(s)
            }
        }
        flush()
        return Double(rewritten) / Double(total)
    }

    /// Close forms: equal without accents and case, or at most a third of the letters apart.
    static func close(_ a: String, _ b: String) -> Bool {
        let x = Array(a.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil))
        let y = Array(b.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil))
        if x == y { return true }
        var prev = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        let distance = x.isEmpty ? y.count : (y.isEmpty ? x.count : prev[y.count])
        return Double(distance) <= Double(max(x.count, y.count)) / 3
    }

    /// `{--deleted--}`, `{++inserted++}`, `{~~old~>new~~}`.
    static func criticMarkup(_ old: String, _ new: String) -> String {
        var out = ""
        var deleted = "", inserted = ""
        func flush() {
            switch (deleted.isEmpty, inserted.isEmpty) {
            case (false, false): out += "{~~\(deleted)~>\(inserted)~~}"
            case (false, true): out += "{--\(deleted)--}"
            case (true, false): out += "{++\(inserted)++}"
            case (true, true): break
            }
            deleted = ""
            inserted = ""
        }
        for edit in WordDiff.diff(old, new) {
            switch edit {
            case .same(let s): flush(); out += s
            case .delete(let s): deleted += s
            case .insert(let s): inserted += s
            }
        }
        flush()
        return out
    }

    /// Every change of every passage, with a little of the passage around it.
    static func list(_ mapping: [Int: String], in document: TextDocument) -> [Correction] {
        let sources = Dictionary(uniqueKeysWithValues: document.segments.map { ($0.id, $0.text) })
        var out: [Correction] = []
        for (id, text) in mapping.sorted(by: { $0.key < $1.key }) {
            guard let source = sources[id], source != text else { continue }
            var before = "", after = "", position = 0, start = 0
            func flush() {
                if !before.isEmpty || !after.isEmpty {
                    out.append(Correction(passage: id, before: before, after: after, context: context(source, at: start)))
                }
                before = ""
                after = ""
            }
            for edit in WordDiff.diff(source, text) {
                switch edit {
                case .same(let s):
                    flush()
                    position += s.count
                case .delete(let s):
                    if before.isEmpty && after.isEmpty { start = position }
                    before += s
                    position += s.count
                case .insert(let s):
                    if before.isEmpty && after.isEmpty { start = position }
                    after += s
                }
            }
            flush()
        }
        return out
    }

    static func context(_ s: String, at offset: Int) -> String {
        let chars = Array(s)
        let lo = max(0, offset - 40), hi = min(chars.count, offset + 40)
        return (lo > 0 ? "…" : "") + String(chars[lo..<hi]).replacingOccurrences(of: "\n", with: " ") + (hi < chars.count ? "…" : "")
    }
}
