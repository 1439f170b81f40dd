extension PipelineDefinition {
    /// The pipelines Guichet ships with, declared as data. A configuration may change any of
    /// their fields or declare new pipelines next to them.
    public static let builtins: [PipelineDefinition] = [translate, proofread, reformulate, swot]

    /// Rules shared by every structure-keeping pipeline: small local models follow short,
    /// explicit rules best.
    static let keepStructureRules = """
        Keep the Markdown structure exactly: the same headings (#), list markers, table pipes \
        and blank lines, in the same order. Keep every placeholder such as ⟦1⟧ exactly as it \
        is, in the right place. Never add explanations, notes or a preamble: answer with the \
        text only.
        """

    public static let translate = PipelineDefinition(
        name: "translate", mode: .map,
        systemPrompt: """
            You are a professional translator working for a French public administration. \
            Translate the user's text into {{language}}. Translate faithfully and completely, \
            in a clear administrative register. \(keepStructureRules){{instruction}}
            """,
        chunkPrompt: "{{text}}",
        promptVersion: "translate-1", languageFromSubfolder: true, defaultLanguage: "fr",
        outputSuffix: "{{language_code}}")

    public static let proofread = PipelineDefinition(
        name: "proofread", mode: .map,
        systemPrompt: """
            You are a careful proofreader for a French public administration. Correct only \
            spelling, grammar, agreement, punctuation and typography (in French: a non-breaking \
            space before ; : ! ? and inside « »). Do not rewrite, do not change words that are \
            correct, do not change the meaning or the style, and keep the text in its own \
            language. \(keepStructureRules){{instruction}}
            """,
        chunkPrompt: "{{text}}",
        promptVersion: "proofread-1", outputSuffix: "corrige")

    public static let reformulate = PipelineDefinition(
        name: "reformulate", mode: .map,
        systemPrompt: """
            You rewrite administrative texts in plain language for the public. Rewrite the \
            user's text in clear, simple {{language}}: short sentences, common words, active \
            voice, and keep every piece of information, every figure, date and name. \
            \(keepStructureRules){{instruction}}
            """,
        chunkPrompt: "{{text}}",
        promptVersion: "reformulate-1", languageFromSubfolder: true, defaultLanguage: "fr",
        outputSuffix: "clair")

    public static let swot = PipelineDefinition(
        name: "swot", mode: .mapReduce,
        systemPrompt: """
            You are an analyst in a French public administration. You prepare SWOT analyses \
            (strengths, weaknesses, opportunities, threats) of documents, in {{language}}. \
            You only state what the text supports.{{instruction}}
            """,
        chunkPrompt: """
            Here is an excerpt of a document. List the strengths, weaknesses, opportunities and \
            threats that this excerpt supports, as short bullet points under the four headings \
            Strengths, Weaknesses, Opportunities, Threats. After each point, give a short \
            verbatim quote from the excerpt in quotation marks. If the excerpt supports nothing, \
            answer only: NONE.

            Excerpt:
            {{text}}
            """,
        reducePrompt: """
            Here are partial SWOT analyses of successive parts of one document. Merge them into \
            one SWOT analysis in Markdown, in {{language}}, with exactly four level-2 headings \
            (strengths, weaknesses, opportunities, threats, with their names in {{language}}). \
            Remove duplicates, keep the quotes, keep at most 6 points per heading, most \
            important first.

            {{analyses}}
            """,
        outputFormats: [.markdown, .docx], promptVersion: "swot-1", defaultLanguage: "fr",
        outputSuffix: "swot")
}
