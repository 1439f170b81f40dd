import Foundation
import GuichetCore
import GuichetDocuments
import GuichetLLM
import Logging

/// The `map-reduce` mode: each chunk is analysed, then the analyses are merged; when they do
/// not fit one call, they are merged in rounds (a tree) so that every call fits the budget.
struct ReduceStage: Sendable {
    let runner: JobRunner
    let job: Job
    let document: TextDocument
    let builder: PromptBuilder
    let logger: Logger

    /// Answers meaning "nothing in this chunk" are left out of the merge.
    static func isEmptyAnalysis(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: .punctuationCharacters).uppercased()
        return t.isEmpty || t == "NONE" || t == "RIEN" || t == "AUCUN"
    }

    func run() async throws -> String {
        let chunks = Chunker(tokenBudget: runner.settings.chunkTokens).chunks(for: document)
        var analyses = try await stage("map", sources: chunks.map(\.text)) { builder.chunkMessages($0) }
        analyses = analyses.filter { !Self.isEmptyAnalysis($0) }
        var round = 1
        let budget = max(runner.settings.chunkTokens * 2, 200)
        var body: String
        if analyses.isEmpty {
            body = "Le modèle n'a relevé aucun élément à retenir dans ce document."
        } else {
            while true {
                let batches = Self.batches(analyses, budget: budget)
                let merged = try await stage("reduce-\(round)", sources: batches.map { $0.joined(separator: "\u{1E}") }) {
                    builder.reduceMessages($0.components(separatedBy: "\u{1E}"))
                }
                analyses = merged
                if merged.count <= 1 { break }
                round += 1
            }
            body = analyses.first ?? ""
        }
        let title = "# \(builder.pipeline.name.uppercased()) — \(job.sourceName)"
        let footer = "---\n\n*Produit avec l'aide de Guichet (modèle \(runner.settings.model)), à valider par un agent avant toute diffusion.*"
        return [title, body.trimmingCharacters(in: .whitespacesAndNewlines), footer].joined(separator: "\n\n") + "\n"
    }

    /// Groups analyses so that each group's estimated size fits the budget (a group holds at
    /// least two analyses when possible, so every round shrinks the list).
    static func batches(_ items: [String], budget: Int) -> [[String]] {
        var out: [[String]] = []
        var cur: [String] = []
        var size = 0
        for item in items {
            let t = Chunker.estimateTokens(item)
            if !cur.isEmpty && size + t > budget && cur.count >= 2 {
                out.append(cur)
                cur = []
                size = 0
            }
            cur.append(item)
            size += t
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Runs one stage's calls (resuming from stored answers) and returns the answers in order.
    func stage(_ name: String, sources: [String], messages: @escaping @Sendable (String) -> [ChatMessage]) async throws -> [String] {
        let stored = try await runner.plan(job, stage: name, sources: sources, logger)
        let pending = stored.filter { !$0.isDone }
        logger.info("stage", metadata: ["guichet.job.stage": "\(name)", "guichet.job.chunks": "\(stored.count)", "guichet.job.chunks_pending": "\(pending.count)"])
        try await FanOut.run(pending, width: runner.settings.maxConcurrency) { record in
            let started = Date()
            let c = try await runner.client.complete(ChatRequest(
                model: runner.settings.model, messages: messages(record.source),
                temperature: builder.pipeline.temperature, maxTokens: runner.settings.maxOutputTokens))
            try await runner.recordChunkResult(
                ChunkResult(text: c.content, model: c.model, promptTokens: c.promptTokens, completionTokens: c.completionTokens,
                            attempts: c.attempts, durationMs: Int(Date().timeIntervalSince(started) * 1000)),
                job: job.id, stage: name, index: record.index)
        }
        return try await runner.store.chunks(of: job.id, stage: name).map { $0.result ?? "" }
    }
}
