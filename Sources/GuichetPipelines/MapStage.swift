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
        let stored = try await runner.plan(job, stage: Self.stage, sources: chunks.map(\.text), logger)
        let pending = stored.filter { !$0.isDone }.map(\.index)
        logger.info("map stage", metadata: ["guichet.job.chunks": "\(chunks.count)", "guichet.job.chunks_pending": "\(pending.count)"])
        let byIndex = Dictionary(uniqueKeysWithValues: chunks.map { ($0.index, $0) })
        try await FanOut.run(pending, width: runner.settings.maxConcurrency) { index in
            guard let chunk = byIndex[index] else { return }
            let started = Date()
            let (mapping, flags, usage) = try await transform(chunk)
            let text = try MapChunkResult(segments: mapping, flags: flags).encoded()
            try await runner.recordChunkResult(
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

    /// One chunk in one call. When the answer does not line up with the chunk's structure
    /// (the model merged paragraphs, dropped an item, or the chunk did not fit the context),
    /// the chunk is cut in two and each half retried, down to single segments: halves keep
    /// more context than lone words, which small models translate badly.
    func transform(_ chunk: Chunk) async throws -> ([Int: String], [String], Usage) {
        var usage = Usage(model: runner.settings.model)
        var flags: [String] = []
        let mapping = try await transform(chunk, usage: &usage, flags: &flags)
        return (mapping, flags, usage)
    }

    private func transform(_ chunk: Chunk, usage: inout Usage, flags: inout [String]) async throws -> [Int: String] {
        var answer: ChatCompletion?
        do {
            let c = try await call(builder.chunkMessages(chunk.text))
            usage.add(c)
            answer = c
            if c.finishReason != "length" {
                return try document.parseResponse(c.content, for: chunk)
            }
        } catch let e as DocumentError where e.code == .structureMismatch {
            // cut below
        } catch let e as LLMError where e.code == .contextLengthExceeded && chunk.segmentIDs.count > 1 {
            // cut below
        }
        guard let cut = document.splitPoint(of: chunk) else {
            return single(chunk, answer, flags: &flags)
        }
        let ids = chunk.segmentIDs
        var mapping = try await transform(document.subchunk(of: chunk, segmentIDs: Array(ids[..<cut])), usage: &usage, flags: &flags)
        let second = try await transform(document.subchunk(of: chunk, segmentIDs: Array(ids[cut...])), usage: &usage, flags: &flags)
        mapping.merge(second) { a, _ in a }
        return mapping
    }

    /// The last resort for a chunk that cannot be cut further (one segment, or one table):
    /// read the answer as the segment's text if it is believable, else keep the source.
    private func single(_ chunk: Chunk, _ answer: ChatCompletion?, flags: inout [String]) -> [Int: String] {
        let label = chunk.segmentIDs.map(String.init).joined(separator: ", ")
        guard let answer, answer.finishReason != "length" else {
            flags.append("Passage \(label) laissé dans sa version d'origine : la réponse du modèle était incomplète.")
            return [:]
        }
        let segments = document.segments(in: chunk)
        guard segments.count == 1, let segment = segments.first else {
            flags.append("Passage \(label) laissé dans sa version d'origine : la réponse du modèle ne respectait pas la structure (tableau).")
            return [:]
        }
        let text = document.parseSingleResponse(answer.content, for: segment)
        if let problem = AnswerCheck.problem(source: segment.text, answer: text, kind: segment.kind) {
            flags.append("Passage \(segment.id) laissé dans sa version d'origine : \(problem).")
            return [:]
        }
        return [segment.id: text]
    }

    func call(_ messages: [ChatMessage]) async throws -> ChatCompletion {
        try await runner.client.complete(ChatRequest(
            model: runner.settings.model, messages: messages, temperature: builder.pipeline.temperature,
            maxTokens: runner.settings.maxOutputTokens))
    }
}
