import Foundation
import GuichetConfig
import GuichetCore
import GuichetDocuments
import GuichetJobs
import GuichetLLM
import Logging

/// Runs one claimed job to its next resting state: `awaiting_review`, back to `queued` to
/// wait for the model, or `failed` with the original handed back.
///
/// Each chunk's answer is stored the moment it arrives, and a resumed job only sends the
/// chunks that have none, so a crash never costs a chunk twice.
public struct JobRunner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case awaitingReview(Job)
        case waitingForModel(Job, retryAt: Date)
        case failed(Job?, GuichetError)
    }

    let configuration: GuichetConfiguration
    let layout: StateLayout
    let store: any JobStore
    let client: any ChatClient
    let settings: ProcessorSettings
    let logger: Logger
    let pdfExtractor: any PDFExtractor
    /// Whether the model server takes JSON schemas, learnt once for all the jobs of this runner.
    let structuredOutput = StructuredOutput()

    public init(configuration: GuichetConfiguration, layout: StateLayout, store: any JobStore,
                client: any ChatClient, settings: ProcessorSettings? = nil, pdfExtractor: any PDFExtractor = InProcessPDFExtractor(),
                logger: Logger) {
        self.pdfExtractor = pdfExtractor
        self.configuration = configuration
        self.layout = layout
        self.store = store
        self.client = client
        self.settings = settings ?? ProcessorSettings(configuration)
        self.logger = logger
    }

    /// Processes a job that is in `processing` (claimed by the caller).
    public func run(_ job: Job) async -> Outcome {
        var log = logger
        log[metadataKey: "guichet.job.id"] = "\(job.id)"
        log[metadataKey: "guichet.pipeline"] = "\(job.pipeline)"
        guard let pipeline = configuration.pipeline(named: job.pipeline) else {
            return await fail(job, nil, GuichetError(.unknownPipeline, "pipeline '\(job.pipeline)' is not configured",
                userMessage: "Le traitement « \(job.pipeline) » n'est plus configuré sur ce serveur. Contactez l'administrateur."), log)
        }
        let started = Date()
        do {
            let loaded = try await DocumentLoader(configuration: configuration, layout: layout, logger: log, pdfExtractor: pdfExtractor).load(job, pipeline: pipeline)
            let document = loaded.text
            let builder = PromptBuilder(pipeline: pipeline, options: job.options)
            var output: Data
            let outputFormat: DocumentFormat
            var structure: StructuredDocument?
            var docxOutput: Data?
            var extras: [(String, Data)] = []
            var flags: [String] = []
            switch pipeline.mode {
            case .map:
                var (mapping, f) = try await MapStage(runner: self, job: job, document: document, builder: builder, logger: log).run()
                flags = f
                if let bound = pipeline.maxChangedWordShare {
                    let (kept, guarded) = Corrections.guardRewrites(mapping, in: document, bound: bound)
                    mapping = kept
                    flags += guarded
                }
                output = try document.renderData(replacing: mapping)
                outputFormat = document.format
                if pipeline.showsRevisions {
                    let corrections = Corrections.list(mapping, in: document)
                    let enc = JSONEncoder()
                    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try FileOperations.writeReplacing(try enc.encode(corrections), to: layout.jobDir(job.id).appendingPathComponent(Self.correctionsFileName))
                    flags.insert("\(corrections.count) correction(s).", at: 0)
                    if loaded.docx == nil {
                        extras.append(("critic", try document.renderData(replacing: criticMapping(mapping, document))))
                    }
                }
                if let docx = loaded.docx {
                    let (data, docxFlags) = try docx.rewrite(mapping, asRevisions: pipeline.showsRevisions, author: pipeline.revisionAuthor)
                    docxOutput = data
                    flags += docxFlags
                }
            case .mapReduce:
                output = Data(try await ReduceStage(runner: self, job: job, document: document, builder: builder, logger: log).run().utf8)
                outputFormat = .markdown
            case .findings:
                let (report, f) = try await FindingsStage(runner: self, job: job, document: document, builder: builder, logger: log).run()
                flags = f
                output = Data(report.markdown.utf8)
                outputFormat = .markdown
                structure = report.structure
            }
            // Tokens and model as recorded with the chunks' answers.
            let current = try await store.job(job.id) ?? job
            let files = try ResultWriter(layout: layout, job: job, pipeline: pipeline, builder: builder,
                                         model: current.model ?? settings.model).write(output, format: outputFormat, structure: structure, docx: docxOutput, extras: extras)
            let resultURL = files[0]
            let flagsCopy = flags
            let done = try await store.transition(
                job.id, from: [.processing], to: .awaitingReview,
                audit: AuditEntry(jobID: job.id, actor: AuditEntry.machineActor, action: .processed,
                                  model: current.model ?? settings.model, promptVersion: pipeline.promptVersion,
                                  promptTokens: current.promptTokens, completionTokens: current.completionTokens,
                                  detail: "\(Int(Date().timeIntervalSince(started) * 1000)) ms; \(flagsCopy.count) flag(s)")
            ) {
                $0.resultPath = layout.relativeToState(resultURL)
                $0.flags = flagsCopy
                $0.promptVersion = pipeline.promptVersion
                $0.failureCode = nil
                $0.failureReason = nil
            }
            log.info("job awaiting review", metadata: [
                "guichet.job.tokens_in": "\(done.promptTokens)", "guichet.job.tokens_out": "\(done.completionTokens)",
                "guichet.job.flags": "\(flags.count)", "guichet.job.duration_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
            ])
            return .awaitingReview(done)
        } catch let e as LLMError where e.code == .cancelled {
            return await waitForModel(job, reason: "interrupted", log, delay: 0)
        } catch let e as LLMError where e.isTransient {
            return await waitForModel(job, reason: e.description, log)
        } catch let e as LLMError where e.code == .malformedResponse {
            if job.attempts < settings.maxMalformedRounds {
                return await waitForModel(job, reason: e.description, log)
            }
            return await fail(job, pipeline, GuichetError(.malformedModelOutput, e.description,
                userMessage: "Le modèle de langue a renvoyé plusieurs fois une réponse illisible. Le document n'a pas pu être traité ; déposez-le à nouveau plus tard ou contactez l'administrateur."), log)
        } catch let e as LLMError where e.code == .contextLengthExceeded {
            return await fail(job, pipeline, GuichetError(.contextTooSmall, e.description,
                userMessage: "Un passage du document est trop long pour le modèle de langue configuré. Découpez le document ou demandez à l'administrateur de réduire « chunking.max_tokens »."), log)
        } catch let e as LLMError {
            return await fail(job, pipeline, GuichetError(.modelRejected, e.description,
                userMessage: "Le modèle de langue a refusé la demande (\(e.httpStatus.map { "HTTP \($0)" } ?? "erreur")). L'administrateur a été informé par le journal ; déposez le document à nouveau plus tard."), log)
        } catch let e as DocumentError {
            return await fail(job, pipeline, GuichetError(Self.code(for: e), e.message, userMessage: e.userMessageFR), log)
        } catch let e as GuichetError {
            return await fail(job, pipeline, e, log)
        } catch is CancellationError {
            return await waitForModel(job, reason: "interrupted", log, delay: 0)
        } catch {
            return await fail(job, pipeline, GuichetError(.internalError, "\(error)",
                userMessage: "Une erreur interne a empêché le traitement. L'administrateur peut la retrouver dans le journal."), log)
        }
    }

    static func code(for e: DocumentError) -> GuichetError.Code {
        switch e.code {
        case .invalidEncoding: return .invalidEncoding
        case .emptyDocument: return .emptyFile
        case .binaryContent: return .binaryContent
        case .unsupportedFormat: return .unsupportedFormat
        default: return .init(rawValue: "document_\(e.code.rawValue)")
        }
    }

    /// The corrections of a proofreading job, for review (`[Correction]` as JSON).
    public static let correctionsFileName = "corrections.json"

    /// Each changed passage as CriticMarkup; a passage whose markup would break its protected
    /// parts (a link the model moved) is shown corrected, without markup.
    func criticMapping(_ mapping: [Int: String], _ document: TextDocument) -> [Int: String] {
        let sources = Dictionary(uniqueKeysWithValues: document.segments.map { ($0.id, $0.text) })
        var out = mapping
        for (id, text) in mapping {
            guard let source = sources[id], source != text else { continue }
            let critic = Corrections.criticMarkup(source, text)
            if case .success = document.restorePlaceholders(segmentID: id, in: critic) { out[id] = critic }
        }
        return out
    }

    /// The stored plan of a stage's chunks (with the answers already received), made from
    /// `sources` the first time. If the cut changed since (chunk size reconfigured), the old plan
    /// and its answers are dropped: they no longer line up with the document.
    func plan(_ job: Job, stage: String, sources: [String], _ log: Logger) async throws -> [ChunkRecord] {
        let planned = sources.enumerated().map { ChunkRecord(jobID: job.id, index: $0.offset, stage: stage, source: $0.element) }
        let stored = try await store.planChunks(planned, for: job.id, stage: stage)
        if stored.map(\.source) == planned.map(\.source) { return stored }
        log.notice("chunk plan changed; discarding earlier answers", metadata: ["guichet.job.stage": "\(stage)"])
        try await store.deleteChunks(of: job.id, stage: stage)
        return try await store.planChunks(planned, for: job.id, stage: stage)
    }

    func waitForModel(_ job: Job, reason: String, _ log: Logger, delay: Double? = nil) async -> Outcome {
        let at = Date().addingTimeInterval(delay ?? settings.retryDelay)
        do {
            let j = try await store.transition(
                job.id, from: [.processing], to: .queued,
                audit: AuditEntry(jobID: job.id, actor: AuditEntry.machineActor, action: .retryScheduled, detail: reason)
            ) { $0.notBefore = at }
            log.warning("model unavailable; job waits", metadata: ["guichet.error": "\(reason)", "guichet.job.retry_at": "\(at)"])
            return .waitingForModel(j, retryAt: at)
        } catch {
            log.error("could not requeue job", metadata: ["guichet.error": "\(error)"])
            return .failed(nil, GuichetError(.internalError, "\(error)"))
        }
    }

    func fail(_ job: Job, _ pipeline: PipelineDefinition?, _ error: GuichetError, _ log: Logger) async -> Outcome {
        do {
            let p = pipeline ?? PipelineDefinition(name: job.pipeline, mode: .map, systemPrompt: "", chunkPrompt: "", promptVersion: "")
            try await FailureDesk(layout: layout, store: store, logger: log).fail(job, pipeline: p, error: error)
            return .failed(try await store.job(job.id), error)
        } catch {
            log.error("could not record failure", metadata: ["guichet.error": "\(error)"])
            return .failed(nil, error as? GuichetError ?? GuichetError(.internalError, "\(error)"))
        }
    }
}
