import Foundation
import GuichetCore
import GuichetDocumentModel

/// The findings as a report: a summary table (2×2 for four categories), then each finding
/// with its quotes, pages and verification mark, in Markdown and as structure for DOCX.
struct FindingsReport {
    let pipeline: PipelineDefinition
    let language: String
    let sourceName: String
    let date: Date
    let findings: [String: [Finding]]

    var fr: Bool { language != "en" }
    var title: String { pipeline.reportTitle[language] ?? pipeline.reportTitle["en"] ?? pipeline.name }
    var all: [Finding] { pipeline.categories.flatMap { findings[$0.id] ?? [] } }
    var citationCount: Int { all.reduce(0) { $0 + $1.citations.count } }
    var verifiedCount: Int { all.reduce(0) { $0 + $1.verifiedCount } }

    var dateText: String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "Europe/Paris")
        return f.string(from: date)
    }

    var summary: String {
        fr ? "Source : \(sourceName) · Date : \(dateText) · \(all.count) points · \(verifiedCount) citation(s) vérifiée(s) sur \(citationCount)"
           : "Source: \(sourceName) · Date: \(dateText) · \(all.count) points · \(verifiedCount) of \(citationCount) citation(s) verified"
    }

    var notFoundLabel: String { fr ? "⚠ citation non trouvée dans le document" : "⚠ citation not found in the document" }
    var verifiedLabel: String { fr ? "✓ vérifiée" : "✓ verified" }
    var noneLabel: String { fr ? "(aucun point)" : "(none)" }
    var footer: String {
        fr ? "Produit avec l'aide de Guichet ; chaque citation a été recherchée dans le document. À valider par un agent avant diffusion."
           : "Produced with Guichet's help; every quotation was looked up in the document. To be approved by a person before use."
    }

    func citationText(_ c: Finding.Citation) -> String {
        var parts = ["« \(c.quote) »"]
        if let p = c.location?.page { parts.append(fr ? "p. \(p)" : "p. \(p)") }
        else if let h = c.location?.heading, !h.isEmpty { parts.append("§ \(h)") }
        parts.append(c.verified ? verifiedLabel : notFoundLabel)
        return parts.joined(separator: " — ")
    }

    /// Rows of the summary table: categories two by two, a label row then a content row.
    var tableRows: [[String]] {
        var rows: [[String]] = []
        let cats = pipeline.categories
        var i = 0
        while i < cats.count {
            let pair = Array(cats[i..<min(i + 2, cats.count)])
            rows.append(pair.map { $0.label(language) })
            rows.append(pair.map { c in
                let items = findings[c.id] ?? []
                return items.isEmpty ? noneLabel : items.map { "• " + $0.statement }.joined(separator: "\n")
            })
            i += 2
        }
        return rows
    }

    var markdown: String {
        var out = ["# \(title) — \(sourceName)", summary]
        var table = tableRows.map { row in "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>") }.joined(separator: " | ") + " |" }
        if !table.isEmpty {
            table.insert("|" + Array(repeating: " --- |", count: tableRows[0].count).joined(), at: 1)
            out.append(table.joined(separator: "\n"))
        }
        for c in pipeline.categories {
            out.append("## \(c.label(language))")
            let items = findings[c.id] ?? []
            if items.isEmpty { out.append(noneLabel); continue }
            out.append(items.map { f in
                (["- **\(f.statement)**"] + f.citations.map { "    - " + citationText($0) }).joined(separator: "\n")
            }.joined(separator: "\n"))
        }
        out.append("---")
        out.append("*\(footer)*")
        return out.joined(separator: "\n\n") + "\n"
    }

    var structure: StructuredDocument {
        var blocks: [StructuredDocument.Block] = [
            .heading(level: 1, text: "\(title) — \(sourceName)", page: nil),
            .paragraph(text: summary, page: nil),
        ]
        if !tableRows.isEmpty { blocks.append(.table(rows: tableRows, header: true, page: nil)) }
        for c in pipeline.categories {
            blocks.append(.heading(level: 2, text: c.label(language), page: nil))
            let items = findings[c.id] ?? []
            if items.isEmpty { blocks.append(.paragraph(text: noneLabel, page: nil)) }
            for f in items {
                blocks.append(.listItem(text: f.statement, ordered: false, level: 0, marker: nil, page: nil))
                for cit in f.citations {
                    blocks.append(.listItem(text: citationText(cit), ordered: false, level: 1, marker: nil, page: nil))
                }
            }
        }
        blocks.append(.paragraph(text: footer, page: nil))
        return StructuredDocument(title: nil, language: language, blocks: blocks)
    }
}
