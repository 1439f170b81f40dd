import Foundation
import GuichetCore
import GuichetDocuments
import GuichetLLM
import Logging

/// Merges findings that say the same thing in other words, which word overlap cannot see. When
/// a category has more findings than the report keeps, the model is asked, a batch at a time
/// (each batch fits the chunk budget), which numbered statements are the same point; merged
/// findings keep every citation. Rounds repeat over the merged list (a tree of reduce calls)
/// until the category fits, or a round merges nothing. Each round's answers are stored like
/// chunks, so a resumed job does not ask again.
///
/// Categories do not depend on each other: each round sends the batches of every category that
/// still needs one together, under the job's concurrency, so the rounds of four quadrants take
/// the time of one quadrant's rounds, not four times that.
struct FindingsConsolidator: Sendable {
    let runner: JobRunner
    let job: Job
    let builder: PromptBuilder
    let logger: Logger
    var maxRounds = 4

    static let prompt = """
        Here are numbered points of a SWOT analysis, all in the same category. Group together the \
        points that state the same thing. Answer with JSON only, in exactly this shape, every \
        number appearing exactly once: {"groups": [[1, 3], [2], [4, 5]]}

        """

    func consolidate(_ findings: [Finding], category: String, cap: Int) async throws -> [Finding] {
        try await consolidate([category: findings], categories: [category], cap: cap)[category] ?? []
    }

    /// Every category of `findings` brought under `cap` where the model finds points to merge;
    /// categories already under it come back ranked, untouched.
    func consolidate(_ findings: [String: [Finding]], categories: [String], cap: Int) async throws -> [String: [Finding]] {
        var current = findings.mapValues(FindingsMerger.rank)
        var active = categories.filter { (current[$0]?.count ?? 0) > cap }
        var round = 1
        while !active.isEmpty && round <= maxRounds {
            var work: [(category: String, stage: String, batches: [[Finding]])] = []
            var pending: [(stage: String, record: ChunkRecord)] = []
            for category in active {
                let batches = Self.batches(current[category] ?? [], budget: max(runner.settings.chunkTokens, 60))
                let sources = batches.map { b in b.enumerated().map { "\($0.offset + 1). \($0.element.statement)" }.joined(separator: "\n") }
                let stage = "consolidate-\(category)-\(round)"
                let stored = try await runner.plan(job, stage: stage, sources: sources, logger)
                work.append((category, stage, batches))
                pending += stored.filter { !$0.isDone }.map { (stage, $0) }
            }
            try await FanOut.run(pending, width: runner.settings.maxConcurrency, call: { item in
                let started = Date()
                let c = try await runner.structuredOutput.complete(ChatRequest(
                    model: runner.settings.model,
                    messages: [builder.systemMessage, .user(Self.prompt + item.record.source)],
                    temperature: 0, maxTokens: runner.settings.maxOutputTokens, jsonMode: true),
                    schema: StructuredOutput.groupsSchema, client: runner.client, logger: logger)
                return ChunkResult(text: c.content, model: c.model, promptTokens: c.promptTokens, completionTokens: c.completionTokens,
                                   attempts: c.attempts, durationMs: Int(Date().timeIntervalSince(started) * 1000))
            }, then: { item, result in
                try await runner.recordChunkResult(result, job: job.id, stage: item.stage, index: item.record.index)
            })
            var stillOver: [String] = []
            for w in work {
                let before = current[w.category]?.count ?? 0
                let answers = try await runner.store.chunks(of: job.id, stage: w.stage).map { $0.result ?? "" }
                var next: [Finding] = []
                for (batch, answer) in zip(w.batches, answers) {
                    for group in Self.groups(answer, count: batch.count) {
                        next.append(FindingsMerger.combine(group.map { batch[$0] }))
                    }
                }
                logger.info("findings consolidated", metadata: [
                    "guichet.findings.category": "\(w.category)", "guichet.findings.round": "\(round)",
                    "guichet.findings.before": "\(before)", "guichet.findings.after": "\(next.count)",
                ])
                current[w.category] = FindingsMerger.rank(next)
                // A round that merged nothing would be asked again the same way: that category stops.
                if next.count < before && next.count > cap { stillOver.append(w.category) }
            }
            active = stillOver
            round += 1
        }
        return current
    }

    /// Consecutive findings under the budget, at least two a batch so every round can merge.
    static func batches(_ items: [Finding], budget: Int) -> [[Finding]] {
        var out: [[Finding]] = []
        var cur: [Finding] = []
        var size = 0
        for f in items {
            let t = Chunker.estimateTokens(f.statement) + 2
            if cur.count >= 2 && size + t > budget {
                out.append(cur)
                cur = []
                size = 0
            }
            cur.append(f)
            size += t
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// The model's groups as 0-based indices, each index once; anything unusable leaves the
    /// findings apart (never merged by accident).
    static func groups(_ answer: String, count: Int) -> [[Int]] {
        var seen = Set<Int>()
        var out: [[Int]] = []
        if let data = FindingJSON.repaired(answer).data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let groups = object["groups"] as? [[Any]] {
            for g in groups {
                let members = g.compactMap { ($0 as? Int) ?? ($0 as? String).flatMap(Int.init) }
                    .map { $0 - 1 }.filter { (0..<count).contains($0) && !seen.contains($0) }
                guard !members.isEmpty else { continue }
                seen.formUnion(members)
                out.append(members)
            }
        }
        for i in 0..<count where !seen.contains(i) { out.append([i]) }
        return out
    }
}
