import GuichetCore
import Metrics

extension JobRunner {
    /// Stores a chunk's answer and counts its duration (`guichet_chunk_duration_seconds`).
    func recordChunkResult(_ result: ChunkResult, job id: JobID, stage: String, index: Int) async throws {
        try await store.recordChunkResult(result, job: id, stage: stage, index: index)
        Timer(label: "guichet_chunk_duration_seconds", dimensions: [("stage", stage)])
            .recordMilliseconds(result.durationMs)
    }

    /// A job's run, counted by pipeline and outcome, with failures by error code.
    public static func record(_ outcome: Outcome, pipeline: String, nanoseconds: UInt64) {
        let name: String
        switch outcome {
        case .awaitingReview: name = "awaiting_review"
        case .waitingForModel: name = "waiting_for_model"
        case .failed(_, let error):
            name = "failed"
            Counter(label: "guichet_job_failures_total", dimensions: [("pipeline", pipeline), ("code", error.code.rawValue)]).increment()
        }
        Counter(label: "guichet_job_runs_total", dimensions: [("pipeline", pipeline), ("outcome", name)]).increment()
        Timer(label: "guichet_job_duration_seconds", dimensions: [("pipeline", pipeline)]).recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
