import Foundation
import GuichetConfig
import GuichetCore
import GuichetDOCX
import GuichetJobs

/// When an approver corrects a Markdown or text result, the files derived from that text are
/// written again, so the published files agree: the DOCX written from the text, and the
/// CriticMarkup copy of a proofreading (now every change from the source to the approved text,
/// the machine's and the approver's). A DOCX that is the input document rewritten in place
/// (DOCX input) cannot be rebuilt from text and is left.
public struct EditedResultDeriver: ResultDeriver {
    let configuration: GuichetConfiguration
    let layout: StateLayout

    public init(configuration: GuichetConfiguration, layout: StateLayout) {
        self.configuration = configuration
        self.layout = layout
    }

    public func derivedFiles(job: Job, editedName: String, text: String, otherFiles: [URL]) throws -> [String: Data] {
        guard job.format != "docx", let pipeline = configuration.pipeline(named: job.pipeline) else { return [:] }
        let ext = (editedName as NSString).pathExtension.lowercased()
        guard ext == "md" || ext == "txt" else { return [:] }
        let stem = (editedName as NSString).deletingPathExtension
        let writer = ResultWriter(layout: layout, job: job, pipeline: pipeline, builder: PromptBuilder(pipeline: pipeline, options: job.options), model: job.model ?? "")
        var out: [String: Data] = [:]
        for url in otherFiles where url.pathExtension.lowercased() == "docx" && url.deletingPathExtension().lastPathComponent == stem {
            let structure = writer.structure(of: Data(text.utf8), format: ext == "md" ? .markdown : .plainText)
            out[url.lastPathComponent] = try DOCXWriter.data(structure, properties: writer.properties())
        }
        let criticName = "\(stem).critic.\(ext)"
        if otherFiles.contains(where: { $0.lastPathComponent == criticName }), let source = sourceText(of: job) {
            out[criticName] = Data(Corrections.criticMarkup(source, text).utf8)
        }
        return out
    }

    /// The text the job worked on: the extracted text of a PDF, or the dropped Markdown or text.
    func sourceText(of job: Job) -> String? {
        let extracted = layout.jobDir(job.id).appendingPathComponent(DocumentLoader.extractedSourceName)
        if let s = try? String(contentsOf: extracted, encoding: .utf8) { return s }
        guard job.format == InputFormat.markdown.rawValue || job.format == InputFormat.plainText.rawValue, let url = try? layout.stateFile(job.originalPath) else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
