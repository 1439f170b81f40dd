import GuichetCore
import TOMLKit

extension TableReader {
    static let pipelineKeys = [
        "folder", "mode", "system_prompt", "chunk_prompt", "reduce_prompt", "output_formats",
        "prompt_version", "language_from_subfolder", "default_language", "temperature",
        "output_suffix", "pdf_password_file", "categories", "max_items", "report_title",
        "shows_revisions", "max_changed_word_share", "revision_author", "docx_comments",
    ]

    /// `[pipelines.NAME]` changes a built-in pipeline's fields, or declares a new pipeline
    /// (which then needs at least `mode`, `system_prompt` and `chunk_prompt`).
    mutating func readPipelines(_ t: TOMLTable, into pipelines: inout [PipelineDefinition]) {
        for name in t.keys {
            let path = "pipelines.\(name)"
            guard isValidName(name) else {
                problem(path, "a pipeline name uses lowercase letters, digits, '-' and '_' only")
                continue
            }
            guard let pt = table(t[name]!, path) else { continue }
            let existing = pipelines.firstIndex { $0.name == name }
            if existing == nil {
                for required in ["mode", "system_prompt", "chunk_prompt"] where pt[required] == nil {
                    problem("\(path).\(required)", "required to declare the new pipeline '\(name)'")
                }
            }
            var p = existing.map { pipelines[$0] } ?? PipelineDefinition(
                name: name, mode: .map, systemPrompt: "", chunkPrompt: "{{text}}",
                promptVersion: "\(name)-1")
            for (k, v, kp) in entries(pt, path) {
                switch k {
                case "folder":
                    if let s = string(v, kp, nonEmpty: true) {
                        if isValidName(s) { p.folder = s } else { problem(kp, "a folder name uses lowercase letters, digits, '-' and '_' only") }
                    }
                case "mode":
                    if let s = string(v, kp) {
                        if let m = PipelineDefinition.Mode(rawValue: s) { p.mode = m }
                        else { problem(kp, "must be \"map\", \"map-reduce\" or \"findings\"; got \"\(s)\"") }
                    }
                case "system_prompt": string(v, kp, nonEmpty: true).map { p.systemPrompt = $0 }
                case "chunk_prompt":
                    if let s = string(v, kp, nonEmpty: true) {
                        if s.contains("{{text}}") { p.chunkPrompt = s } else { problem(kp, "must contain {{text}}, where the chunk goes") }
                    }
                case "reduce_prompt":
                    if let s = string(v, kp, nonEmpty: true) {
                        if s.contains("{{analyses}}") { p.reducePrompt = s } else { problem(kp, "must contain {{analyses}}, where the chunks' analyses go") }
                    }
                case "output_formats":
                    if let arr = v.array {
                        var formats: [PipelineDefinition.OutputFormat] = []
                        for item in arr {
                            if let s = item.string, let f = PipelineDefinition.OutputFormat(rawValue: s) { formats.append(f) }
                            else { problem(kp, "each format must be one of \(PipelineDefinition.OutputFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))") }
                        }
                        if formats.isEmpty { problem(kp, "needs at least one format") } else { p.outputFormats = formats }
                    } else { problem(kp, "must be an array of strings") }
                case "prompt_version": string(v, kp, nonEmpty: true).map { p.promptVersion = $0 }
                case "language_from_subfolder": bool(v, kp).map { p.languageFromSubfolder = $0 }
                case "default_language":
                    if let s = string(v, kp) {
                        if let l = Language.named(s) { p.defaultLanguage = l.code }
                        else { problem(kp, "unknown language \"\(s)\"; use an ISO 639-1 code such as \(Language.all.prefix(6).map(\.code).joined(separator: ", "))") }
                    }
                case "temperature": number(v, kp, 0...2).map { p.temperature = $0 }
                case "output_suffix": string(v, kp).map { p.outputSuffix = $0.isEmpty ? nil : $0 }
                case "pdf_password_file": string(v, kp, nonEmpty: true).map { p.pdfPasswordFile = $0 }
                case "categories":
                    if let arr = v.array, !arr.isEmpty, arr.allSatisfy({ $0.string?.isEmpty == false }) {
                        p.categories = arr.compactMap(\.string).map { PipelineDefinition.FindingCategory(id: $0, labels: [:]) }
                    } else { problem(kp, "must be a non-empty array of category names, such as [\"risk\", \"mitigation\"]") }
                case "max_items": int(v, kp, 1...100).map { p.maxItemsPerCategory = $0 }
                case "shows_revisions": bool(v, kp).map { p.showsRevisions = $0 }
                case "max_changed_word_share": number(v, kp, 0...1).map { p.maxChangedWordShare = $0 }
                case "revision_author": string(v, kp, nonEmpty: true).map { p.revisionAuthor = $0 }
                case "docx_comments": bool(v, kp).map { p.includesDOCXComments = $0 }
                case "report_title": string(v, kp, nonEmpty: true).map { p.reportTitle = ["en": $0, "fr": $0] }
                default: unknown(kp, Self.pipelineKeys)
                }
            }
            if p.mode == .mapReduce && p.reducePrompt == nil {
                problem("\(path).reduce_prompt", "required when mode is \"map-reduce\"")
            }
            if p.mode == .findings && p.categories.isEmpty {
                problem("\(path).categories", "required when mode is \"findings\"")
            }
            if let i = existing { pipelines[i] = p } else { pipelines.append(p) }
        }
        var seen: [String: String] = [:]
        for p in pipelines {
            if let other = seen[p.folder] {
                problem("pipelines.\(p.name).folder", "folder '\(p.folder)' is already used by pipeline '\(other)'")
            }
            seen[p.folder] = p.name
        }
    }

    private func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64 && !s.hasPrefix("_") && !s.hasPrefix("-")
            && s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
