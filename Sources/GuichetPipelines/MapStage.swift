import Foundation
import GuichetCore
import GuichetDocuments
import GuichetLLM
import Logging

/// The `map` mode: every chunk is transformed and put back in its place.
struct MapStage: Sendable {
    let runner: JobRunner
    let job: Job
    let document: TextDocument
    let builder: PromptBuilder
    let logger: Logger

    static let stage = "map"

    /// Returns the new text of each segment, and notes for the reviewer.
    func run() async throws -> ([Int: String], [String]) {
        let chunks = Chunker(tokenBudget: runner.settings.chunkTokens).chunks(for: document)
        let planned = chunks.map { ChunkRecord(jobID: job.id, index: $0.index, stage: Self.stage, source: $0.text) }
        var stored = try await runner.store.planChunks(planned, for: job.id, stage: Self.stage)
        if stored.map(\.source) != planned.map(\.source) {
            // The cut changed since the plan was stored (chunk size reconfigured): start over.
            logger.notice("chunk plan changed; discarding earlier results")
            try await runner.store.deleteChunks(of: job.id, stage: Self.stage)
            stored = try await runner.store.planChunks(planned, for: job.id, stage: Self.stage)
        }
        let pending = stored.filter { !$0.isDone }.map(\.index)
        logger.info("map stage", metadata: ["guichet.job.chunks": "\(chunks.count)", "guichet.job.chunks_pending": "\(pending.count)"])
        let byIndex = Dictionary(uniqueKeysWithValues: chunks.map { ($0.index, $0) })
        try await FanOut.run(pending, width: runner.settings.maxConcurrency) { index in
            guard let chunk = byIndex[index] else { return }
            let started = Date()
            let (mapping, flags, usage) = try await transform(chunk)
            let text = try MapChunkResult(segments: mapping, flags: flags).encoded()
            try await runner.store.recordChunkResult(
                ChunkResult(text: text, model: usage.model, promptTokens: usage.promptTokens,
                            completionTokens: usage.completionTokens, attempts: usage.attempts,
                            durationMs: Int(Date().timeIntervalSince(started) * 1000)),
                job: job.id, stage: Self.stage, index: index)
        }
        var mapping: [Int: String] = [:]
        var flags: [String] = []
        for record in try await runner.store.chunks(of: job.id, stage: Self.stage) {
            guard let r = record.result else {
                throw GuichetError(.internalError, "chunk \(record.index) has no result after the map stage")
            }
            let decoded = try MapChunkResult.decode(r)
            mapping.merge(decoded.segmentMap) { a, _ in a }
            flags += decoded.flags
        }
        // Placeholders protect links, code and URLs: a segment whose placeholders the model
        // broke keeps its source text, and the reviewer is told.
        for (id, text) in mapping {
            if case .failure = document.restorePlaceholders(segmentID: id, in: text) {
                mapping[id] = nil
                flags.append("Passage \(id) laissé dans sa version d'origine : le modèle a altéré des éléments protégés (liens, code, adresses).")
            }
        }
        return (mapping, flags)
    }

    struct Usage: Sendable {
        var model: String
        var promptTokens = 0
        var completionTokens = 0
        var attempts = 0

        mutating func add(_ c: ChatCompletion) {
            model = c.model
            promptTokens += c.promptTokens
            completionTokens += c.completionTokens
            attempts += c.attempts
        }
    }

    /// One chunk in one call; if the answer's structure does not match (the model merged
    /// paragraphs, or the chunk does not fit the context), each segment is sent alone.
    func transform(_ chunk: Chunk) async throws -> ([Int: String], [String], Usage) {
        var usage = Usage(model: runner.settings.model)
        do {
            let c = try await call(builder.chunkMessages(chunk.text))
            usage.add(c)
            if c.finishReason != "length" {
                return (try document.parseResponse(c.content, for: chunk), [], usage)
            }
        } catch let e as DocumentError where e.code == .structureMismatch {
            // fall through to segment by segment
        } catch let e as LLMError where e.code == .contextLengthExceeded && chunk.segmentIDs.count > 1 {
            // fall through to segment by segment
        }
        guard chunk.segmentIDs.count > 1 else {
            return ([:], ["Passage \(chunk.segmentIDs.first ?? -1) laissé dans sa version d'origine : la réponse du modèle était incomplète."], usage)
        }
        var mapping: [Int: String] = [:]
        var flags: [String] = []
        for segment in document.segments(in: chunk) {
            let c = try await call(builder.chunkMessages(document.segmentText(for: segment)))
            usage.add(c)
            if c.finishReason == "length" {
                flags.append("Passage \(segment.id) laissé dans sa version d'origine : la réponse du modèle était incomplète.")
                continue
            }
            mapping[segment.id] = document.parseSingleResponse(c.content, for: segment)
        }
        return (mapping, flags, usage)
    }

    func call(_ messages: [ChatMessage]) async throws -> ChatCompletion {
        try await runner.client.complete(ChatRequest(
            model: runner.settings.model, messages: messages, temperature: builder.pipeline.temperature,
            maxTokens: runner.settings.maxOutputTokens))
    }
}
