import Foundation

/// Which jobs to list.
public struct JobFilter: Sendable, Equatable {
    public var states: Set<JobState>?
    public var pipelines: Set<String>?
    public var limit: Int?
    /// How many of the matching jobs to skip (for pages of a long queue).
    public var offset: Int
    /// Only jobs whose result has not been written to `Output/` (no `outputPath`).
    public var unpublished: Bool

    public init(states: Set<JobState>? = nil, pipelines: Set<String>? = nil, limit: Int? = nil, offset: Int = 0, unpublished: Bool = false) {
        self.states = states
        self.pipelines = pipelines
        self.limit = limit
        self.offset = offset
        self.unpublished = unpublished
    }

    /// Approved jobs whose result is not in `Output/` yet (a full or unreachable folder, or a
    /// crash between the decision and the write).
    public static let awaitingPublication = JobFilter(states: [.approved], unpublished: true)
}

/// The job store: the one place where jobs, chunks and the audit trail live.
///
/// Every state change goes through ``transition(_:from:to:audit:_:)``, which checks the current
/// state and applies the change atomically, so that two processes (the daemon and an approver's
/// CLI, or later several nodes sharing a PostgreSQL store) cannot both move the same job.
public protocol JobStore: Sendable {
    /// Records a new job and its `received` audit line in one transaction.
    func insert(_ job: Job, audit: AuditEntry) async throws

    func job(_ id: JobID) async throws -> Job?

    /// Oldest first.
    func jobs(matching filter: JobFilter) async throws -> [Job]

    func countsByState() async throws -> [JobState: Int]

    /// How many jobs match, ignoring the filter's limit and offset.
    func countJobs(matching filter: JobFilter) async throws -> Int

    /// Jobs whose ID starts with `prefix` (for short IDs typed by a person), at most `limit`.
    func jobs(withIDPrefix prefix: String, limit: Int) async throws -> [Job]

    /// Atomically takes the oldest queued job whose `notBefore` has passed, moving it to
    /// `processing`. Returns nil when nothing is ready.
    func claimNextQueued(now: Date) async throws -> Job?

    /// The earliest `notBefore` among queued jobs, so a worker can sleep until then.
    func nextWakeUp() async throws -> Date?

    /// Moves a job from one of `expected` states to `state`, applying `mutate` and appending
    /// `audit` in the same transaction. Throws ``GuichetError/Code/conflict`` when the job is
    /// no longer in an expected state.
    @discardableResult
    func transition(
        _ id: JobID, from expected: Set<JobState>, to state: JobState, audit: AuditEntry?,
        _ mutate: @Sendable (inout Job) -> Void
    ) async throws -> Job

    /// Changes fields that are not the state (for example the output path once published).
    @discardableResult
    func update(_ id: JobID, _ mutate: @Sendable (inout Job) -> Void) async throws -> Job

    /// Jobs left in `processing` by a daemon that stopped go back to `queued`; their finished
    /// chunks stay. Returns how many.
    func requeueInterrupted() async throws -> Int

    /// Stores the chunk plan of a job's stage unless one exists; returns the stored plan
    /// (with the results that already arrived), so a resumed job keeps its finished chunks.
    func planChunks(_ chunks: [ChunkRecord], for id: JobID, stage: String) async throws
        -> [ChunkRecord]

    func chunks(of id: JobID, stage: String) async throws -> [ChunkRecord]

    /// Stores one chunk's answer as soon as it arrives, and adds its tokens to the job.
    func recordChunkResult(_ result: ChunkResult, job id: JobID, stage: String, index: Int)
        async throws

    /// Drops a stage's plan (used when a job is re-run from scratch).
    func deleteChunks(of id: JobID, stage: String?) async throws

    func appendAudit(_ entry: AuditEntry) async throws

    /// The audit trail, oldest first; all jobs when `id` is nil.
    func audit(of id: JobID?, limit: Int?) async throws -> [AuditEntry]

    /// The most recent audit lines first, for the audit log page; only decisions by people
    /// when `decisionsOnly`.
    func recentAudit(limit: Int, offset: Int, decisionsOnly: Bool) async throws -> [AuditEntry]
}
