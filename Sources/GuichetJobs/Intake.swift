import Foundation
import GuichetConfig
import GuichetCore
import Logging
import Synchronization

/// Takes dropped files into the state directory and records them as queued jobs.
///
/// The original is moved (an atomic rename) before the job row is written, and a small
/// `intake.json` is written first, so that a crash at any point leaves either the file in the
/// drop folder or a job directory that ``Recovery`` turns back into a job: a file is never
/// lost and never taken twice.
public final class Intake: Sendable {
    public enum Outcome: Sendable, Equatable {
        case queued(Job)
        case refused(GuichetError)
        case ignored(String)
        /// Not taken now (disk pressure): the file stays in its drop folder for later.
        case deferred(String)
    }

    let configuration: GuichetConfiguration
    let layout: StateLayout
    let store: any JobStore
    let failures: FailureDesk
    let logger: Logger
    /// Whether the last file offered found the disk too full: the warning goes out when that
    /// starts and a notice when it ends, not once per waiting file at every rescan.
    private let underPressure = Mutex(false)

    public init(configuration: GuichetConfiguration, layout: StateLayout, store: any JobStore, logger: Logger) {
        self.configuration = configuration
        self.layout = layout
        self.store = store
        self.failures = FailureDesk(layout: layout, store: store, logger: logger)
        self.logger = logger
    }

    /// Takes one dropped file.
    public func take(_ file: DroppedFile) async -> Outcome {
        guard let pipeline = configuration.pipeline(forFolder: file.pipelineFolder) else {
            return .ignored("no pipeline for folder \(file.pipelineFolder)")
        }
        let name = file.url.lastPathComponent
        var log = logger
        log[metadataKey: "guichet.pipeline"] = "\(pipeline.name)"
        if let low = lowDiskSpace() {
            let starts = underPressure.withLock { was in defer { was = true }; return !was }
            if starts {
                log.warning("disk space low: files wait in their drop folders", metadata: ["guichet.disk": "\(low)"])
            } else {
                log.debug("disk space still low: file left in its drop folder", metadata: ["guichet.disk": "\(low)"])
            }
            return .deferred(low)
        }
        if underPressure.withLock({ was in defer { was = false }; return was }) {
            log.notice("disk space back: files are taken again")
        }
        do {
            if let refusal = try check(file) {
                await failures.refuse(file, pipeline: pipeline, error: refusal)
                return .refused(refusal)
            }
            let relative = (file.subfolders + [name]).joined(separator: "/")
            var job = Job(
                pipeline: pipeline.name, sourceName: name, sourceRelativePath: relative,
                originalPath: "", format: InputFormat(fileExtension: (name as NSString).pathExtension)!.rawValue,
                options: options(for: pipeline, subfolders: file.subfolders))
            let dir = layout.jobDir(job.id)
            let originalDir = dir.appendingPathComponent("original", isDirectory: true)
            try FileManager.default.createDirectory(at: originalDir, withIntermediateDirectories: true)
            let destination = originalDir.appendingPathComponent(name)
            job.originalPath = layout.relativeToState(destination)
            try IntakeRecord(job: job).write(to: dir)
            switch try FileOperations.move(file.url, to: destination) {
            case .sourceVanished:
                try? FileManager.default.removeItem(at: dir)
                log.info("file vanished before pick-up", metadata: ["guichet.file": "\(name)"])
                return .ignored("vanished before pick-up")
            case .moved:
                break
            }
            if job.format == InputFormat.pdf.rawValue {
                try PasswordSidecar.take(besides: file.url, into: dir)
            }
            try await store.insert(job, audit: AuditEntry(
                jobID: job.id, actor: AuditEntry.machineActor, action: .received,
                detail: "dropped in \(pipeline.folder)/\(relative)"))
            let latency = Date().timeIntervalSince(file.detectedAt)
            log.info("job queued", metadata: [
                "guichet.job.id": "\(job.id)", "guichet.intake.latency_ms": "\(Int(latency * 1000))",
            ])
            return .queued(job)
        } catch let e as GuichetError {
            log.error("intake failed", metadata: ["guichet.file": "\(name)", "guichet.error": "\(e)"])
            return .refused(e)
        } catch {
            log.error("intake failed", metadata: ["guichet.file": "\(name)", "guichet.error": "\(error)"])
            return .refused(GuichetError(.io, "intake failed", cause: "\(error)"))
        }
    }

    /// Enqueues a copy of a file as if it had been dropped (for `guichet submit`); the user's
    /// file stays where it is.
    public func submit(copyOf source: URL, pipeline name: String, subfolders: [String] = []) async throws -> Outcome {
        guard let pipeline = configuration.pipeline(named: name) else {
            throw GuichetError(.unknownPipeline, "unknown pipeline '\(name)'; known: \(configuration.pipelines.map(\.name).joined(separator: ", "))")
        }
        var st = stat()
        guard lstat(source.path, &st) == 0 else {
            throw GuichetError(.notFound, "no file at \(source.path)")
        }
        // Stage the copy inside the state dir so that the same move path is used.
        let staging = layout.stateDir.appendingPathComponent("submit-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let copy = staging.appendingPathComponent(source.lastPathComponent)
        if (st.st_mode & S_IFMT) == S_IFLNK {
            try FileManager.default.createSymbolicLink(
                atPath: copy.path, withDestinationPath: try FileManager.default.destinationOfSymbolicLink(atPath: source.path))
        } else {
            try FileManager.default.copyItem(at: source, to: copy)
        }
        return await take(DroppedFile(url: copy, pipelineFolder: pipeline.folder, subfolders: subfolders,
                                      isSymlink: (st.st_mode & S_IFMT) == S_IFLNK))
    }

    /// A description of the directory short of space, or nil when there is enough everywhere.
    public func lowDiskSpace() -> String? {
        let floor = configuration.limits.minFreeBytes
        guard floor > 0 else { return nil }
        for dir in [layout.stateDir, layout.outputDir] {
            if let free = DiskSpace.available(at: dir), free < floor {
                return "\(dir.path): \(free / 1_048_576) MB free, below the \(floor / 1_048_576) MB floor"
            }
        }
        return nil
    }

    /// Refusals that need no reading of the content.
    func check(_ file: DroppedFile) throws -> GuichetError? {
        var st = stat()
        guard lstat(file.url.path, &st) == 0 else { return nil }
        if (st.st_mode & S_IFMT) == S_IFLNK || file.isSymlink { return UserMessages.symlink }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return UserMessages.unsupportedFormat(file.url.lastPathComponent) }
        guard InputFormat(fileExtension: file.url.pathExtension) != nil else {
            return UserMessages.unsupportedFormat(file.url.lastPathComponent)
        }
        if st.st_size == 0 { return UserMessages.emptyFile }
        if Int(st.st_size) > configuration.limits.maxFileBytes {
            return UserMessages.tooLarge(bytes: Int(st.st_size), limit: configuration.limits.maxFileBytes)
        }
        return nil
    }

    func options(for pipeline: PipelineDefinition, subfolders: [String]) -> [String: String] {
        var language = pipeline.defaultLanguage
        if pipeline.languageFromSubfolder, let first = subfolders.first, let l = Language.named(first) {
            language = l.code
        }
        return ["language": language]
    }
}
