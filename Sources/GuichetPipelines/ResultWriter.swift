import Foundation
import GuichetCore
import GuichetDOCX
import GuichetDocuments
import GuichetJobs

/// Writes a job's result in every output format its pipeline declares, in the job's `result/`
/// folder: the first file is the primary one (shown in review), all are published on approval.
struct ResultWriter {
    let layout: StateLayout
    let job: Job
    let pipeline: PipelineDefinition
    let builder: PromptBuilder
    let model: String

    /// `rendered` is the transformed document in `format` (Markdown or text).
    /// `structure`, when given, is what the DOCX is written from (a report built as structure).
    /// `docx`, when given, is the input DOCX rewritten in place (the "same as input" result).
    /// `extras` are further renderings in the rendered format, named `<name>.<infix>.<ext>`
    /// (the CriticMarkup view of a proofreading).
    func write(_ rendered: Data, format: DocumentFormat, structure given: StructuredDocument? = nil, docx rewritten: Data? = nil,
               extras: [(String, Data)] = []) throws -> [URL] {
        let dir = layout.jobDir(job.id).appendingPathComponent("result", isDirectory: true)
        // A re-run replaces the previous result entirely.
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var written: [URL] = []
        for (ext, kind) in targets(renderedFormat: format, rewritten: rewritten) {
            let url = dir.appendingPathComponent(builder.outputName(sourceName: job.sourceName, outputExtension: ext))
            guard !written.contains(url) else { continue }
            let data: Data
            switch kind {
            case .asRendered: data = rendered
            case .docx: data = try rewritten ?? DOCXWriter.data(given ?? structure(of: rendered, format: format), properties: properties())
            }
            try FileOperations.writeReplacing(data, to: url)
            written.append(url)
        }
        let ext = written.first.map { $0.pathExtension } ?? (format == .markdown ? "md" : "txt")
        for (infix, data) in extras {
            let url = dir.appendingPathComponent(builder.outputName(sourceName: job.sourceName, outputExtension: "\(infix).\(ext)"))
            try FileOperations.writeReplacing(data, to: url)
            written.append(url)
        }
        return written
    }

    enum Kind { case asRendered, docx }

    /// Extensions to write, in order. Structured inputs (PDF) have no "same" format: they come
    /// back as Markdown and DOCX.
    func targets(renderedFormat: DocumentFormat, rewritten: Data? = nil) -> [(String, Kind)] {
        let renderedExt = renderedFormat == .markdown ? "md" : "txt"
        var out: [(String, Kind)] = []
        for f in pipeline.outputFormats {
            switch f {
            case .sameAsInput:
                if job.format == "pdf" && rewritten != nil {
                    out.append(("docx", .docx))  // the rebuilt document with tracked changes
                } else if job.format == "pdf" {
                    out += [("md", .asRendered), ("docx", .docx)]
                } else if job.format == "docx" {
                    out.append(("docx", .docx))
                } else {
                    out.append((job.sourceName.split(separator: ".").count > 1 ? (job.sourceName as NSString).pathExtension : renderedExt, .asRendered))
                }
            case .markdown: out.append(("md", .asRendered))
            case .docx: out.append(("docx", .docx))
            }
        }
        return out.isEmpty ? [(renderedExt, .asRendered)] : out
    }

    func structure(of rendered: Data, format: DocumentFormat) -> StructuredDocument {
        let text = String(decoding: rendered, as: UTF8.self)
        var doc: StructuredDocument
        if format == .markdown {
            doc = MarkdownStructureReader.read(text)
        } else {
            let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            doc = StructuredDocument(blocks: paragraphs.map { .paragraph(text: $0, page: nil) })
        }
        doc.language = builder.language.code
        return doc
    }

    /// A transparency mark in the document's properties: made with Guichet's help, by which
    /// model, to be approved by a person.
    func properties() -> DOCXProperties {
        var p = DOCXProperties()
        p.title = (job.sourceName as NSString).deletingPathExtension
        p.creator = "Guichet"
        p.description = "Produit avec l'aide de Guichet (traitement « \(pipeline.name) », modèle \(model)) à partir de « \(job.sourceName) ». À valider par un agent avant diffusion."
        p.language = builder.language.code
        p.keywords = ["Guichet", pipeline.name]
        return p
    }
}
