/// Languages a pipeline can target, named by ISO 639-1 code. Folder names may be the code or
/// the language's name in French or English (`en`, `anglais`, `english`).
public struct Language: Sendable, Equatable, Hashable {
    public let code: String
    /// The name used in prompts (English, which small models follow best).
    public let englishName: String
    public let frenchName: String

    public static let all: [Language] = [
        Language(code: "fr", englishName: "French", frenchName: "français"),
        Language(code: "en", englishName: "English", frenchName: "anglais"),
        Language(code: "de", englishName: "German", frenchName: "allemand"),
        Language(code: "es", englishName: "Spanish", frenchName: "espagnol"),
        Language(code: "it", englishName: "Italian", frenchName: "italien"),
        Language(code: "pt", englishName: "Portuguese", frenchName: "portugais"),
        Language(code: "nl", englishName: "Dutch", frenchName: "néerlandais"),
        Language(code: "ar", englishName: "Arabic", frenchName: "arabe"),
        Language(code: "uk", englishName: "Ukrainian", frenchName: "ukrainien"),
        Language(code: "ru", englishName: "Russian", frenchName: "russe"),
        Language(code: "zh", englishName: "Chinese", frenchName: "chinois"),
        Language(code: "pl", englishName: "Polish", frenchName: "polonais"),
        Language(code: "ro", englishName: "Romanian", frenchName: "roumain"),
        Language(code: "tr", englishName: "Turkish", frenchName: "turc"),
        Language(code: "br", englishName: "Breton", frenchName: "breton"),
        Language(code: "oc", englishName: "Occitan", frenchName: "occitan"),
        Language(code: "ca", englishName: "Catalan", frenchName: "catalan"),
        Language(code: "eu", englishName: "Basque", frenchName: "basque"),
        Language(code: "co", englishName: "Corsican", frenchName: "corse"),
    ]

    /// Finds a language by code or by name, ignoring case.
    public static func named(_ s: String) -> Language? {
        let k = s.lowercased()
        return all.first { $0.code == k || $0.englishName.lowercased() == k || $0.frenchName == k }
    }
}
