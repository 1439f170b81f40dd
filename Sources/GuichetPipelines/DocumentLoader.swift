import Foundation
import GuichetConfig
import GuichetCore
import GuichetDOCX
import GuichetDOCXText
import GuichetDocuments
import GuichetJobs
import GuichetPDF
import Logging

/// Reads a job's original into the segmented document the pipelines work on. Markdown and text
/// are parsed as they are; a PDF is rebuilt as structure (headings, lists, tables, pages) and
/// enters as Markdown, so every pipeline treats every format the same way.
public struct DocumentLoader {
    /// The text extracted from a structured input (PDF), kept in the job's folder.
    public static let extractedSourceName = "source.md"

    let configuration: GuichetConfiguration
    let layout: StateLayout
    let logger: Logger
    var pdfExtractor: any PDFExtractor = InProcessPDFExtractor()

    /// A loaded input: the text the pipeline works on, and for a DOCX the package to rewrite.
    struct Loaded {
        var text: TextDocument
        var docx: DOCXInput?
    }

    func load(_ job: Job, pipeline: PipelineDefinition) async throws -> Loaded {
        var docxURL: URL?
        if job.format == InputFormat.docx.rawValue {
            docxURL = try layout.stateFile(job.originalPath)
        } else if job.format == InputFormat.pdf.rawValue && pipeline.showsRevisions {
            // Corrections to a PDF come back as tracked changes in the rebuilt document: the
            // PDF is rebuilt as a DOCX first, and that DOCX goes through the DOCX route.
            let structure = try await readPDF(try layout.stateFile(job.originalPath), job: job, pipeline: pipeline)
            let rebuilt = layout.jobDir(job.id).appendingPathComponent("rebuilt.docx")
            var props = DOCXProperties()
            props.title = (job.sourceName as NSString).deletingPathExtension
            props.creator = "Guichet"
            try DOCXWriter.write(structure, to: rebuilt, properties: props)
            docxURL = rebuilt
        }
        if let docxURL {
            let input = try DOCXInput.load(docxURL, includeComments: pipeline.includesDOCXComments)
            // The paragraphs as the pipeline reads them, for the reviewer (markers removed).
            let readable = input.sourceTexts.map {
                DOCXInput.restoreBreaks($0).replacingOccurrences(of: #"⟦\d+⟧"#, with: "", options: .regularExpression)
            }
            try FileOperations.writeReplacing(Data((readable.joined(separator: "\n\n") + "\n").utf8),
                                              to: layout.jobDir(job.id).appendingPathComponent(Self.extractedSourceName))
            return Loaded(text: input.text, docx: input)
        }
        return Loaded(text: try await loadText(job, pipeline: pipeline), docx: nil)
    }

    func loadText(_ job: Job, pipeline: PipelineDefinition) async throws -> TextDocument {
        let url = try layout.stateFile(job.originalPath)
        guard let input = InputFormat(rawValue: job.format) else {
            throw UserMessages.unsupportedFormat(job.sourceName)
        }
        switch input {
        case .docx:
            return try DOCXInput.load(url).text
        case .markdown, .plainText:
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw GuichetError(.unreadable, "cannot read the original: \(error.localizedDescription)",
                                   userMessage: "Le fichier n'a pas pu être lu. Déposez-le à nouveau.")
            }
            return try TextDocument(format: input == .markdown ? .markdown : .plainText, data: data)
        case .pdf:
            let structure = try await readPDF(url, job: job, pipeline: pipeline)
            logger.info("PDF rebuilt", metadata: ["guichet.pdf.blocks": "\(structure.blocks.count)"])
            let markdown = structure.markdown()
            // What the pipeline worked on, for the reviewer to compare with the result.
            try FileOperations.writeReplacing(Data(markdown.utf8), to: layout.jobDir(job.id).appendingPathComponent(Self.extractedSourceName))
            return TextDocument(format: .markdown, text: markdown)
        }
    }

    func readPDF(_ url: URL, job: Job, pipeline: PipelineDefinition) async throws -> StructuredDocument {
        let jobDir = layout.jobDir(job.id)
        var options = PDFReaderOptions(password: password(jobDir: jobDir, pipeline: pipeline), maxPages: configuration.limits.maxPDFPages)
        do {
            return try await pdfExtractor.read(url: url, options: options, log: jobDir.appendingPathComponent("pdf-reader.log"))
        } catch let e as PDFError where e.code == .encrypted && options.password == nil {
            // The sidecar may have arrived after its PDF was taken: look once more beside it.
            let dropped = layout.watchDir.appendingPathComponent(pipeline.folder).appendingPathComponent(job.sourceRelativePath)
            try PasswordSidecar.take(besides: dropped, into: jobDir)
            guard let late = PasswordSidecar.password(inJobDir: jobDir) else { throw Self.error(e) }
            options.password = late
            do {
                return try await pdfExtractor.read(url: url, options: options, log: jobDir.appendingPathComponent("pdf-reader.log"))
            } catch let e as PDFError { throw Self.error(e) }
        } catch let e as PDFError {
            throw Self.error(e)
        }
    }

    func password(jobDir: URL, pipeline: PipelineDefinition) -> String? {
        if let p = PasswordSidecar.password(inJobDir: jobDir) { return p }
        guard let file = pipeline.pdfPasswordFile, let s = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return s.split(whereSeparator: \.isNewline).first.map(String.init)
    }

    static func error(_ e: PDFError) -> GuichetError {
        let code: GuichetError.Code
        switch e.code {
        case .emptyFile: code = .emptyFile
        case .notAPDF: code = .unsupportedFormat
        case .tooManyPages: code = .tooLarge
        default: code = GuichetError.Code(rawValue: "pdf_\(e.code)")
        }
        return GuichetError(code, e.message, userMessage: e.userMessageFR)
    }
}
