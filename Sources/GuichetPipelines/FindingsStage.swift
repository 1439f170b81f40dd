import Foundation
import GuichetCore
import GuichetDocuments
import GuichetLLM
import Logging

/// The `findings` mode: each chunk yields JSON findings (JSON mode when the backend has it;
/// otherwise the answer is repaired, and retried once with the parse error), every quote is
/// looked up in the source, then findings are merged, ranked and capped into a report.
struct FindingsStage: Sendable {
    let runner: JobRunner
    let job: Job
    let document: TextDocument
    let builder: PromptBuilder
    let logger: Logger

    static let stage = "findings"

    struct Stored: Codable {
        var items: [RawFinding]
        var flags: [String]
    }

    func run() async throws -> (FindingsReport, [String]) {
        let pipeline = builder.pipeline
        let categoryIDs = pipeline.categories.map(\.id)
        let chunks = Chunker(tokenBudget: runner.settings.chunkTokens).chunks(for: document)
        let stored = try await runner.plan(job, stage: Self.stage, sources: chunks.map(\.text), logger)
        let pending = stored.filter { !$0.isDone }
        logger.info("findings stage", metadata: ["guichet.job.chunks": "\(stored.count)", "guichet.job.chunks_pending": "\(pending.count)"])
        // The source is indexed for quote lookups while the model works.
        let source = document
        let verifierTask = Task { QuoteVerifier(source: try source.render(replacing: [:])) }
        defer { verifierTask.cancel() }
        // A chunk's answer is stored beside the next calls, not in its call's slot.
        try await FanOut.run(pending, width: runner.settings.maxConcurrency, call: { record in
            let started = Date()
            let (result, usage) = try await analyse(record, categories: categoryIDs)
            let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            return ChunkResult(text: text, model: usage.model, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                               attempts: usage.attempts, durationMs: Int(Date().timeIntervalSince(started) * 1000))
        }, then: { record, result in
            try await runner.recordChunkResult(result, job: job.id, stage: Self.stage, index: record.index)
        })
        var items: [(RawFinding, QuoteVerifier.Location?)] = []
        var flags: [String] = []
        let verifier = try await verifierTask.value
        for record in try await runner.store.chunks(of: job.id, stage: Self.stage) {
            guard let r = record.result, let s = try? JSONDecoder().decode(Stored.self, from: Data(r.utf8)) else { continue }
            flags += s.flags
            items += s.items.map { ($0, $0.quote.isEmpty ? nil : verifier.locate($0.quote)) }
        }
        var deduplicated = FindingsMerger.mergeDuplicates(items)
        let overCap = Dictionary(grouping: deduplicated, by: \.category).filter { categoryIDs.contains($0.key) && $0.value.count > pipeline.maxItemsPerCategory }
        if !overCap.isEmpty {
            let consolidated = try await FindingsConsolidator(runner: runner, job: job, builder: builder, logger: logger)
                .consolidate(overCap, categories: categoryIDs, cap: pipeline.maxItemsPerCategory)
            deduplicated = deduplicated.filter { overCap[$0.category] == nil } + categoryIDs.flatMap { consolidated[$0] ?? [] }
        }
        let merged = FindingsMerger.rankAndCap(deduplicated, categories: categoryIDs, cap: pipeline.maxItemsPerCategory)
        let report = FindingsReport(pipeline: pipeline, language: builder.language.code, sourceName: job.sourceName, date: Date(), findings: merged)
        flags.insert("\(report.all.count) point(s) ; \(report.verifiedCount) citation(s) vérifiée(s) sur \(report.citationCount).", at: 0)
        for f in report.all {
            for c in f.citations where !c.verified {
                flags.append("Citation non trouvée dans le document : « \(c.quote.prefix(120)) » (\(f.category)).")
            }
        }
        try FindingsRecord.write(report, inJobDir: runner.layout.jobDir(job.id))
        return (report, flags)
    }

    func analyse(_ record: ChunkRecord, categories: [String]) async throws -> (Stored, MapStage.Usage) {
        var usage = MapStage.Usage(model: runner.settings.model)
        var slots = ["categories": categories.map { "\"\($0)\"" }.joined(separator: ", ")]
        slots["text"] = record.source
        var messages = builder.chunkMessages(record.source, extraSlots: slots)
        for attempt in 1...2 {
            let c = try await runner.structuredOutput.complete(ChatRequest(
                model: runner.settings.model, messages: messages, temperature: builder.pipeline.temperature,
                maxTokens: runner.settings.maxOutputTokens, jsonMode: true),
                schema: StructuredOutput.findingsSchema(categories: categories), client: runner.client, logger: logger)
            usage.add(c)
            switch FindingJSON.parse(c.content, categories: categories) {
            case .success(let parsed):
                var flags: [String] = []
                if parsed.dropped > 0 {
                    flags.append("Bloc \(record.index + 1) : \(parsed.dropped) point(s) mal formé(s) ignoré(s).")
                }
                return (Stored(items: parsed.items, flags: flags), usage)
            case .failure(let problem):
                logger.notice("unusable findings answer", metadata: ["guichet.job.chunk": "\(record.index)", "guichet.problem": "\(problem.message)", "guichet.attempt": "\(attempt)"])
                messages += [.assistant(c.content), .user("Your answer could not be used: \(problem.message). Answer again with JSON only, exactly in the shape asked: {\"items\": [...]}.")]
            }
        }
        return (Stored(items: [], flags: ["Bloc \(record.index + 1) : la réponse du modèle était illisible ; ce passage n'a pas été analysé."]), usage)
    }
}
