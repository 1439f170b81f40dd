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

    public static let proofread: PipelineDefinition = {
        var p = PipelineDefinition(
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
        p.showsRevisions = true
        p.maxChangedWordShare = 0.35
        return p
    }()

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

    public static let swot: PipelineDefinition = {
        var p = PipelineDefinition(
            name: "swot", mode: .findings,
            systemPrompt: """
                You are an analyst in a French public administration. You prepare SWOT analyses \
                (strengths, weaknesses, opportunities, threats) of documents. You only state what \
                the text supports, and you answer with JSON only.{{instruction}}
                """,
            chunkPrompt: """
                Read this excerpt of a document and list the points it supports for a SWOT analysis: \
                strengths and weaknesses of the subject itself, opportunities and threats coming from \
                its environment. Answer with JSON only, in exactly this shape:
                {"items": [{"category": "weakness", "statement": "Le budget de fonctionnement reste contraint.", "quote": "le budget de fonctionnement reste contraint par la hausse des coûts"}]}
                "category" is one of {{categories}}. Write each "statement" in {{language}}, as one \
                short sentence. Copy each "quote" character for character from the excerpt (at most \
                40 words); never invent a quote. At most 8 items. If the excerpt supports nothing, \
                answer {"items": []}.

                Excerpt:
                {{text}}
                """,
            outputFormats: [.markdown, .docx], promptVersion: "swot-3", defaultLanguage: "fr",
            outputSuffix: "swot")
        p.categories = [
            FindingCategory(id: "strength", labels: ["fr": "Forces", "en": "Strengths", "de": "Stärken", "es": "Fortalezas"]),
            FindingCategory(id: "weakness", labels: ["fr": "Faiblesses", "en": "Weaknesses", "de": "Schwächen", "es": "Debilidades"]),
            FindingCategory(id: "opportunity", labels: ["fr": "Opportunités", "en": "Opportunities", "de": "Chancen", "es": "Oportunidades"]),
            FindingCategory(id: "threat", labels: ["fr": "Menaces", "en": "Threats", "de": "Risiken", "es": "Amenazas"]),
        ]
        p.reportTitle = ["fr": "Analyse SWOT", "en": "SWOT analysis", "de": "SWOT-Analyse", "es": "Análisis DAFO"]
        return p
    }()
}
