import Testing
@testable import GuichetWatcher

@Suite struct IgnoreRulesTests {
    static let ignored = [
        ".hidden", ".DS_Store", "~$rapport.docx", "~WRL0001.tmp", "x.part", "x.tmp", "y.crdownload",
        "z.partial", ".doc.swp", "doc.swp", "Thumbs.db", "THUMBS.DB", "desktop.ini", "Desktop.ini",
        "rapport.pdf.error.txt", "rapport.pdf.password", "X.TMP", "",
    ]
    static let kept = [
        "rapport.md", "a.docx", "ébauche été.pdf", "x.part.md", "notes.txt", "error.txt",
        "password.txt", "tmp", "part", "file with spaces.odt", "~notes.md", "$x.md", "_draft.md",
    ]

    @Test(arguments: ignored) func ignoresName(_ name: String) {
        #expect(IgnoreRules.isIgnored(fileName: name))
    }

    @Test(arguments: kept) func keepsName(_ name: String) {
        #expect(!IgnoreRules.isIgnored(fileName: name))
    }

    @Test func ignoredDirectories() {
        for name in ["_failed", "_processing", ".git", ".Trash-1000", ""] {
            #expect(IgnoreRules.isIgnoredDirectory(name: name), "\(name)")
        }
        for name in ["en", "fr", "legal docs", "é", "failed"] {
            #expect(!IgnoreRules.isIgnoredDirectory(name: name), "\(name)")
        }
    }
}
