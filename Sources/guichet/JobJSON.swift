import Foundation
import GuichetCore
import GuichetPipelines

/// The JSON shape of a job in `--json` outputs (stable keys, snake_case).
struct JobJSON: Encodable {
    var id: String
    var pipeline: String
    var state: String
    var source: String
    var source_path: String
    var options: [String: String]
    var created_at: Date
    var updated_at: Date
    var waiting_seconds: Int
    var model: String?
    var prompt_version: String?
    var prompt_tokens: Int
    var completion_tokens: Int
    var flags: [String]
    var result: String?
    var output: String?
    var failure_code: String?
    var failure_reason: String?
    var decided_by: String?
    var decided_at: Date?
    var comment: String?
    var source_text: String?
    var result_text: String?
    var corrections: [Correction]?

    init(_ j: Job, sourceText: String? = nil, resultText: String? = nil, corrections: [Correction]? = nil) {
        self.corrections = corrections
        id = j.id.rawValue
        pipeline = j.pipeline
        state = j.state.rawValue
        source = j.sourceName
        source_path = j.sourceRelativePath
        options = j.options
        created_at = j.createdAt
        updated_at = j.updatedAt
        waiting_seconds = Int(Date().timeIntervalSince(j.updatedAt))
        model = j.model
        prompt_version = j.promptVersion
        prompt_tokens = j.promptTokens
        completion_tokens = j.completionTokens
        flags = j.flags
        result = j.resultPath.map { ($0 as NSString).lastPathComponent }
        output = j.outputPath
        failure_code = j.failureCode
        failure_reason = j.failureReason
        decided_by = j.decidedBy
        decided_at = j.decidedAt
        comment = j.decisionComment
        source_text = sourceText
        result_text = resultText
    }
}

enum JSONOut {
    static func print<T: Encodable>(_ v: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.dateEncodingStrategy = .iso8601
        Swift.print(String(decoding: try enc.encode(v), as: UTF8.self))
    }
}

extension Int {
    /// `3 min`, `2 h 05`, `4 j`.
    var humanDuration: String {
        if self < 60 { return "\(self) s" }
        if self < 3600 { return "\(self / 60) min" }
        if self < 86_400 { return String(format: "%d h %02d", self / 3600, (self % 3600) / 60) }
        return "\(self / 86_400) j"
    }
}
