import ArgumentParser
import Foundation
import GuichetConfig

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a configuration file and say which key is wrong and why.")
        @Argument(help: "The file to check (default: --config, then $GUICHET_CONFIG).")
        var file: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let path = file ?? global.config
            do {
                let c = try ConfigurationLoader.load(path: path)
                print("configuration OK\(path.map { " (\($0))" } ?? " (built-in defaults)")")
                print("  watch: \(c.watchDir)  output: \(c.outputDir)  state: \(c.stateDir)")
                print("  model: \(c.llm.model) via \(c.llm.backend.rawValue) at \(c.llm.url)")
                print("  pipelines: \(c.pipelines.map { "\($0.name) (\($0.mode.rawValue))" }.joined(separator: ", "))")
            } catch let e as ConfigurationError {
                FileHandle.standardError.write(Data((e.description + "\n").utf8))
                throw ExitCode(2)
            }
        }
    }
}
