import ArgumentParser
import Foundation
import GuichetCore
import GuichetDaemon
import GuichetJobs
import GuichetPipelines

struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The review queue: list, show, approve, reject, and the audit log.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Rerun.self, Log.self])

    static func jobID(_ s: String, _ d: Daemon) async throws -> JobID {
        let s = s.lowercased()
        guard JobID.isWellFormed(s) else { throw ValidationError("'\(s)' is not a job ID") }
        if try await d.store.job(JobID(rawValue: s)) != nil { return JobID(rawValue: s) }
        // A unique prefix is enough, as with git.
        let matches = try await d.store.jobs(withIDPrefix: s, limit: 2)
        guard matches.count == 1 else {
            throw ValidationError(matches.isEmpty ? "no job \(s)" : "'\(s)' matches \(matches.count)+ jobs; give more characters")
        }
        return matches[0].id
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Items waiting for review (oldest first), or other states.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long) var json = false
        @Option(name: .long, help: "State to list (awaiting_review by default; 'all' for every state).") var state: String = "awaiting_review"
        @Option(name: .long, help: "Only this pipeline.") var pipeline: String?

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            var filter = JobFilter(pipelines: pipeline.map { [$0] })
            if state != "all" {
                guard let s = JobState(rawValue: state) else {
                    throw ValidationError("unknown state '\(state)'; one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")), all")
                }
                filter.states = [s]
            }
            let jobs = try await d.store.jobs(matching: filter)
            if json { try JSONOut.print(jobs.map { JobJSON($0) }); return }
            if jobs.isEmpty { print("nothing \(state == "all" ? "" : "in state \(state)")"); return }
            for j in jobs {
                let wait = Int(Date().timeIntervalSince(j.updatedAt)).humanDuration
                let flags = j.flags.isEmpty ? "" : "  ⚑\(j.flags.count)"
                print("\(j.id)  \(j.pipeline.padding(toLength: 12, withPad: " ", startingAt: 0)) \(j.state.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(wait.padding(toLength: 8, withPad: " ", startingAt: 0)) \(j.sourceName)\(flags)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Source and result side by side, or as a diff.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Flag(name: .long) var json = false
        @Flag(name: .long, help: "Show a line diff instead of side by side.") var diff = false
        @Option(name: .long, help: "Total width for side by side.") var width: Int?

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let jid = try await Review.jobID(id, d)
            guard let j = try await d.store.job(jid) else { throw ValidationError("no job \(id)") }
            // For a PDF, the text the pipeline worked on (rebuilt from the PDF) is what compares.
            let extracted = d.layout.jobDir(j.id).appendingPathComponent(DocumentLoader.extractedSourceName)
            let source = FileManager.default.fileExists(atPath: extracted.path)
                ? try? String(contentsOf: extracted, encoding: .utf8)
                : (j.format == "pdf" || j.format == "docx" ? nil : try? readText(d, j.originalPath))
            let result = try? j.resultPath.map { try readText(d, $0) } ?? nil
            let corrections = Correction.stored(inJobDir: d.layout.jobDir(j.id))
            if json { try JSONOut.print(JobJSON(j, sourceText: source ?? nil, resultText: result ?? nil, corrections: corrections)); return }
            print("\(j.id)  \(j.pipeline)  \(j.state.rawValue)  \(j.sourceName)")
            print("model: \(j.model ?? "-")  prompt: \(j.promptVersion ?? "-")  tokens: \(j.promptTokens) in / \(j.completionTokens) out")
            if let r = j.failureReason { print("failure: \(r)") }
            for f in j.flags { print("⚑ \(f)") }
            for earlier in d.reviewDesk.earlierResults(of: j.id) {
                print("earlier result, version \(earlier.version) (sent back for a re-run): \(earlier.files.map(\.path).joined(separator: ", "))")
            }
            if !corrections.isEmpty {
                print("\n\(corrections.count) correction(s):")
                for c in corrections {
                    print("  [\(c.passage)] « \(c.before) » → « \(c.after) »   (\(c.context))")
                }
            }
            guard let src = source ?? nil else { print("(source no longer in the state directory)"); return }
            guard let res = result ?? nil else { print("(no result yet)"); return }
            print("")
            if diff {
                print(TextDiff.unified(src, res))
            } else {
                let w = width ?? Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 160
                print(TextDiff.sideBySide(src, res, width: w, left: "SOURCE", right: "RÉSULTAT"))
            }
        }

        func readText(_ d: Daemon, _ rel: String) throws -> String? {
            guard !rel.isEmpty else { return nil }
            return String(decoding: try Data(contentsOf: try d.layout.stateFile(rel)), as: UTF8.self)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a result: it is written to Output/<pipeline>/.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(name: .long, help: "Who approves (recorded in the audit trail).") var by: String
        @Option(name: .long) var comment: String?

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let jid = try await Review.jobID(id, d)
            do {
                let j = try await d.reviewDesk.approve(jid, by: by, comment: comment)
                print("approved \(j.id); published to \(d.layout.outputDir.appendingPathComponent(j.outputPath ?? "").path)")
            } catch let e as GuichetError where e.code == .publicationPending {
                // Not a usage problem: the decision is recorded, the delivery waits.
                FileHandle.standardError.write(Data("\(e.message)\n".utf8))
                throw ExitCode(1)
            } catch let e as GuichetError {
                throw ValidationError(e.message)
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a result, with a reason.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(name: .long) var by: String
        @Option(name: .long) var reason: String

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let jid = try await Review.jobID(id, d)
            do {
                let j = try await d.reviewDesk.reject(jid, by: by, reason: reason)
                print("rejected \(j.id)")
            } catch let e as GuichetError {
                throw ValidationError(e.message)
            }
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a result back for a new run, with an instruction for the model.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(name: .long) var by: String
        @Option(name: .long, help: "What the model should do differently (\"keep the term 'délibération'\").") var instruction: String

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let jid = try await Review.jobID(id, d)
            do {
                let j = try await d.reviewDesk.rerun(jid, by: by, instruction: instruction)
                print("queued again: \(j.id)")
            } catch let e as GuichetError {
                throw ValidationError(e.message)
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit trail of a job: who, when, which model, how many tokens.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Flag(name: .long) var json = false

        struct Line: Encodable {
            var at: Date, actor: String, action: String, model: String?, prompt_version: String?
            var prompt_tokens: Int?, completion_tokens: Int?, detail: String?
        }

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let jid = try await Review.jobID(id, d)
            let entries = try await d.store.audit(of: jid, limit: nil)
            if json {
                try JSONOut.print(entries.map { Line(at: $0.at, actor: $0.actor, action: $0.action.rawValue, model: $0.model, prompt_version: $0.promptVersion, prompt_tokens: $0.promptTokens, completion_tokens: $0.completionTokens, detail: $0.detail) })
                return
            }
            let fmt = ISO8601DateFormatter()
            for e in entries {
                var parts = [fmt.string(from: e.at), e.actor, e.action.rawValue]
                if let m = e.model { parts.append("model=\(m)") }
                if let p = e.promptVersion { parts.append("prompt=\(p)") }
                if let t = e.promptTokens { parts.append("tokens=\(t)/\(e.completionTokens ?? 0)") }
                if let dt = e.detail { parts.append("— \(dt)") }
                print(parts.joined(separator: "  "))
            }
        }
    }
}
