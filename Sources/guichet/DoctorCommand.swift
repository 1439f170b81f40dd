import ArgumentParser
import Foundation
import GuichetDaemon

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check folders, free space, the model, the job store and the inotify limit; say how to fix each problem.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long) var json = false

    func run() async throws {
        let c = try global.load()
        _ = global.logger(c, quiet: true)
        let checks = await Doctor(configuration: c).run()
        if json {
            try JSONOut.print(checks)
        } else {
            for check in checks {
                let mark = check.status == .ok ? "ok " : (check.status == .warning ? "⚠  " : "✘  ")
                print("\(mark) \(check.name): \(check.detail)")
                if !check.fix.isEmpty { print("     → \(check.fix)") }
            }
        }
        if checks.contains(where: { $0.status == .problem }) { throw ExitCode(1) }
    }
}
