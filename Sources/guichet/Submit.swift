import ArgumentParser
import Foundation
import GuichetCore
import GuichetDaemon
import GuichetJobs

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enqueue a file as if it had been dropped in a pipeline's folder (the file itself is copied, not moved).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document.") var file: String
    @Option(name: .long, help: "Pipeline name (translate, proofread, swot, reformulate, …).") var pipeline: String
    @Option(name: .long, help: "Target language (as a subfolder would give it, e.g. en).") var language: String?
    @Flag(name: .long, help: "Wait until the result awaits review (processing here if no daemon runs); exit non-zero if it failed.") var wait = false

    func run() async throws {
        let c = try global.load()
        let d = try Daemon(configuration: c, logger: global.logger(c, quiet: !wait))
        let outcome: GuichetJobs.Intake.Outcome
        do {
            outcome = try await d.intake.submit(copyOf: URL(fileURLWithPath: file), pipeline: pipeline, subfolders: language.map { [$0] } ?? [])
        } catch let e as GuichetError {
            throw ValidationError(e.message)
        }
        let job: Job
        switch outcome {
        case .queued(let j): job = j
        case .refused(let e):
            FileHandle.standardError.write(Data("refused: \(e.userMessage)\n".utf8))
            throw ExitCode(1)
        case .ignored(let why), .deferred(let why):
            FileHandle.standardError.write(Data("not taken: \(why)\n".utf8))
            throw ExitCode(1)
        }
        print(job.id)
        guard wait else { return }
        let settled: Job
        if DaemonLock.isHeld(path: d.layout.lockPath) {
            settled = try await pollUntilSettled(d, job.id)
        } else {
            settled = try await d.processUntilSettled(job.id)
        }
        switch settled.state {
        case .awaitingReview, .approved, .rejected:
            FileHandle.standardError.write(Data("\(settled.id): \(settled.state.rawValue)\n".utf8))
        case .failed:
            FileHandle.standardError.write(Data("\(settled.id) failed: \(settled.failureReason ?? settled.failureCode ?? "?")\n".utf8))
            throw ExitCode(1)
        case .queued, .processing:
            FileHandle.standardError.write(Data("\(settled.id) is waiting for the model (unreachable); it stays queued and will be retried\n".utf8))
            throw ExitCode(3)
        }
    }

    func pollUntilSettled(_ d: Daemon, _ id: JobID) async throws -> Job {
        while true {
            if let j = try await d.store.job(id) {
                if j.state != .queued && j.state != .processing { return j }
                if j.state == .queued, let nb = j.notBefore, nb > Date() { return j }
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
