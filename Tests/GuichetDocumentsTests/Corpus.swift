import Foundation
@testable import GuichetDocuments

/// Locates /work/shared/corpus from this file, whether the package lives in
/// /work/dev-docs or /work/main: walk up until a `shared/corpus` directory
/// is found next to (or inside) an ancestor.
enum Corpus {
    static let markdownFiles = [
        "albert__markdown.md", "apigouv__interroger-data-bnf-fr-par-api.md", "datagouv-doc__dcat.md",
        "datagouv-doc__tutoriel.md", "pandoc__MANUAL.md",
    ]

    static let directory: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            for candidate in [dir.appendingPathComponent("shared/corpus"),
                              dir.deletingLastPathComponent().appendingPathComponent("shared/corpus")] {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), isDir.boolValue {
                    return candidate
                }
            }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("shared/corpus not found above \(#filePath)")
    }()

    static func text(_ name: String) throws -> String {
        try TextDecoding.decode(Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func document(_ name: String) throws -> TextDocument {
        TextDocument(format: .markdown, text: try text(name))
    }

    /// Every segment upper-cased (placeholders are unaffected by case).
    static func upperCased(_ doc: TextDocument) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: doc.segments.map { ($0.id, $0.text.uppercased()) })
    }

    /// Raw fenced code blocks (opening line to closing line) of a Markdown text.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]? = nil
        var fence = ""
        for line in text.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if current == nil {
                if t.hasPrefix("```") || t.hasPrefix("~~~") {
                    fence = String(t.prefix(while: { $0 == t.first }))
                    current = [line]
                }
            } else {
                current!.append(line)
                if t.hasPrefix(fence), t.allSatisfy({ $0 == fence.first }) {
                    blocks.append(current!.joined(separator: "\n"))
                    current = nil
                }
            }
        }
        return blocks
    }

    /// Block markers at the start of each line (`#`, `-`, `1.`, `>`, `|`).
    static func linePrefixes(_ text: String) -> [String] {
        text.components(separatedBy: "\n").compactMap { line in
            let t = line.drop(while: { $0 == " " })
            if t.hasPrefix("#") { return String(t.prefix(while: { $0 == "#" })) }
            if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ") || t.hasPrefix("> ") || t.hasPrefix("|") {
                return String(line.prefix(line.count - t.count)) + String(t.prefix(2))
            }
            let digits = t.prefix(while: { $0.isNumber })
            if !digits.isEmpty, t.dropFirst(digits.count).hasPrefix(". ") { return String(line.prefix(line.count - t.count)) + digits + "." }
            return nil
        }
    }
}
