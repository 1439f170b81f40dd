import Foundation

/// Metadata written to `docProps/core.xml` (Dublin Core) and used for the document language.
/// Word shows it under File › Info; search tools and archives (e.g. for records management)
/// index it.
public struct DOCXProperties: Sendable, Equatable {
    /// `dc:title`. When nil, the document's own title is used.
    public var title: String?
    /// `dc:creator`: the author or the service that produced the file.
    public var creator: String?
    /// `dc:description`.
    public var description: String?
    /// BCP 47 tag such as "fr-FR": `dc:language` and the styles' `w:lang` (spell-checking,
    /// hyphenation). When nil, the document's language, else "fr-FR".
    public var language: String?
    /// `cp:keywords`, joined with ", ".
    public var keywords: [String]
    /// `cp:lastModifiedBy`.
    public var lastModifiedBy: String?
    /// `dcterms:created` and `dcterms:modified`; nil means the time of writing.
    public var date: Date?

    public init(
        title: String? = nil,
        creator: String? = nil,
        description: String? = nil,
        language: String? = nil,
        keywords: [String] = [],
        lastModifiedBy: String? = nil,
        date: Date? = nil
    ) {
        self.title = title
        self.creator = creator
        self.description = description
        self.language = language
        self.keywords = keywords
        self.lastModifiedBy = lastModifiedBy
        self.date = date
    }
}
