import GuichetCore
import GuichetLLM

/// Builds the chat messages for one call of a pipeline.
public struct PromptBuilder: Sendable {
    public let pipeline: PipelineDefinition
    public let language: Language
    /// An approver's instruction for a re-run ("keep the term 'délibération'").
    public let instruction: String?

    public init(pipeline: PipelineDefinition, options: [String: String]) {
        self.pipeline = pipeline
        self.language = options["language"].flatMap(Language.named) ?? Language.named(pipeline.defaultLanguage) ?? Language.all[0]
        self.instruction = options["instruction"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var slots: [String: String] {
        [
            "language": language.englishName,
            "language_code": language.code,
            "instruction": instruction.map { "\n\nAdditional instruction from the reviewer: \($0)" } ?? "",
        ]
    }

    public var systemMessage: ChatMessage {
        .system(PromptTemplate(pipeline.systemPrompt).render(slots))
    }

    /// Messages for one chunk of the map stage.
    public func chunkMessages(_ text: String, extraSlots: [String: String] = [:]) -> [ChatMessage] {
        var s = slots.merging(extraSlots) { _, new in new }
        s["text"] = text
        return [systemMessage, .user(PromptTemplate(pipeline.chunkPrompt).render(s))]
    }

    /// Messages for one reduce call over several analyses.
    public func reduceMessages(_ analyses: [String]) -> [ChatMessage] {
        var s = slots
        s["analyses"] = analyses.enumerated().map { "### Part \($0.offset + 1)\n\n\($0.element)" }.joined(separator: "\n\n")
        return [systemMessage, .user(PromptTemplate(pipeline.reducePrompt ?? "{{analyses}}").render(s))]
    }

    /// The result file's name: `rapport.md` → `rapport.en.md` (pipeline suffix), with the
    /// extension of the output format.
    public func outputName(sourceName: String, outputExtension: String?) -> String {
        let stem: String
        let ext: String
        if let dot = sourceName.lastIndex(of: "."), dot != sourceName.startIndex {
            stem = String(sourceName[..<dot])
            ext = outputExtension ?? String(sourceName[sourceName.index(after: dot)...])
        } else {
            stem = sourceName
            ext = outputExtension ?? "txt"
        }
        let suffix = pipeline.outputSuffix.map { PromptTemplate($0).render(slots) }
        return [stem, suffix, ext].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ".")
    }
}
