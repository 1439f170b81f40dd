import ArgumentParser
import Foundation
import GuichetCore
import GuichetDaemon
import GuichetJobs

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Counts per state and what is in progress.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Machine-readable output.") var json = false

    struct Out: Encodable {
        var daemon_running: Bool
        var counts: [String: Int]
        var in_progress: [JobJSON]
        var waiting_for_model: [JobJSON]
    }

    func run() async throws {
        let c = try global.load()
        let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
        let counts = try await d.store.countsByState()
        let processing = try await d.store.jobs(matching: JobFilter(states: [.processing]))
        let waiting = try await d.store.jobs(matching: JobFilter(states: [.queued])).filter { ($0.notBefore ?? .distantPast) > Date() }
        let running = DaemonLock.isHeld(path: d.layout.lockPath)
        if json {
            var all: [String: Int] = [:]
            for s in JobState.allCases { all[s.rawValue] = counts[s] ?? 0 }
            try JSONOut.print(Out(daemon_running: running, counts: all, in_progress: processing.map { JobJSON($0) }, waiting_for_model: waiting.map { JobJSON($0) }))
            return
        }
        print("daemon: \(running ? "running" : "not running")")
        for s in JobState.allCases {
            print("  \(s.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(counts[s] ?? 0)")
        }
        for j in processing {
            print("in progress: \(j.id)  \(j.pipeline)  \(j.sourceName)  (\(Int(Date().timeIntervalSince(j.updatedAt)).humanDuration))")
        }
        for j in waiting {
            print("waiting for the model: \(j.id)  \(j.pipeline)  \(j.sourceName)")
        }
    }
}
