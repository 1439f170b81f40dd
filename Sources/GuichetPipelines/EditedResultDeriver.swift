import Foundation
import GuichetConfig
import GuichetCore
import GuichetDOCX
import GuichetJobs


/// When an approver corrects a Markdown or text result, the DOCX written from that text is
/// written again from the corrected text, so the published files agree. A DOCX that is the
/// input document rewritten in place (DOCX input) cannot be rebuilt from text and is left.
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
        return out
    }
}
