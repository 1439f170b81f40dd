/// A pipeline is data, not code: a folder, prompts, a mode and output formats. The built-in
/// pipelines are declared with this type, and operators declare new ones in the configuration.
public struct PipelineDefinition: Sendable, Codable, Equatable {
    /// How the chunks' answers become a result.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Transform each chunk and keep the document's structure.
        case map
        /// Analyse each chunk, then merge the analyses into one report.
        case mapReduce = "map-reduce"
        /// Each chunk yields findings (a category, a statement, a verbatim quote) as JSON;
        /// quotes are checked against the source, findings merged, ranked and capped.
        case findings
    }

    /// A kind of finding (a SWOT quadrant, a risk level…), with its name per language.
    public struct FindingCategory: Sendable, Codable, Equatable {
        public var id: String
        /// Language code → display name; the id is used where a language is missing.
        public var labels: [String: String]

        public init(id: String, labels: [String: String] = [:]) {
            self.id = id
            self.labels = labels
        }

        public func label(_ language: String) -> String { labels[language] ?? labels["en"] ?? id }
    }

    /// What the approved result is written as.
    public enum OutputFormat: String, Sendable, Codable, CaseIterable {
        /// The input's own format (Markdown stays Markdown, text stays text).
        case sameAsInput = "same"
        case markdown
        case docx
    }

    public var name: String
    /// The folder under the watch directory.
    public var folder: String
    public var mode: Mode
    /// System prompt; `{{language}}` and `{{instruction}}` are replaced.
    public var systemPrompt: String
    /// User prompt for each chunk; `{{text}}` is the chunk, `{{language}}` the target language.
    public var chunkPrompt: String
    /// For `map-reduce`: the prompt that merges the analyses (`{{analyses}}`).
    public var reducePrompt: String?
    public var outputFormats: [OutputFormat]
    /// Bumped whenever a prompt changes; recorded in the audit trail with every result.
    public var promptVersion: String
    /// Whether a subfolder names the target language (`translate/en/` → English).
    public var languageFromSubfolder: Bool
    /// Target language when no subfolder says otherwise (an ISO 639-1 code).
    public var defaultLanguage: String
    public var temperature: Double
    /// Suffix added to the output file name before its extension (`rapport.en.md`).
    public var outputSuffix: String?
    /// A file holding the password of protected PDFs dropped in this folder (first line).
    public var pdfPasswordFile: String?
    /// For `findings`: the categories, in display order.
    public var categories: [FindingCategory]
    /// For `findings`: at most this many findings per category in the report.
    public var maxItemsPerCategory: Int
    /// For `findings`: the report's title, per language code.
    public var reportTitle: [String: String]
    /// Corrections, not rewrites: results are shown as revisions (tracked changes in DOCX,
    /// CriticMarkup next to Markdown and text), and a paragraph whose share of changed words
    /// passes `maxChangedWordShare` keeps its original text and is flagged.
    public var showsRevisions: Bool
    public var maxChangedWordShare: Double?
    /// The author of tracked changes in DOCX results.
    public var revisionAuthor: String
    /// Whether the comments of a DOCX are processed too (they are left as they are by default).
    public var includesDOCXComments: Bool

    public init(
        name: String, folder: String? = nil, mode: Mode, systemPrompt: String,
        chunkPrompt: String, reducePrompt: String? = nil, outputFormats: [OutputFormat] = [.sameAsInput],
        promptVersion: String, languageFromSubfolder: Bool = false, defaultLanguage: String = "fr",
        temperature: Double = 0, outputSuffix: String? = nil
    ) {
        self.name = name
        self.folder = folder ?? name
        self.mode = mode
        self.systemPrompt = systemPrompt
        self.chunkPrompt = chunkPrompt
        self.reducePrompt = reducePrompt
        self.outputFormats = outputFormats
        self.promptVersion = promptVersion
        self.languageFromSubfolder = languageFromSubfolder
        self.defaultLanguage = defaultLanguage
        self.temperature = temperature
        self.outputSuffix = outputSuffix
        self.pdfPasswordFile = nil
        self.categories = []
        self.maxItemsPerCategory = 6
        self.reportTitle = [:]
        self.showsRevisions = false
        self.maxChangedWordShare = nil
        self.revisionAuthor = "Guichet"
        self.includesDOCXComments = false
    }
}
