import ArgumentParser
import Foundation
import GuichetConfig
import GuichetDaemon
import Logging

/// The `guichet` command: a thin shell over the daemon and the review desk.
@main
struct Guichet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guichet",
        abstract: "Documents dropped in folders, processed by a language model, published after a human approves.",
        subcommands: [Run.self, Serve.self, Status.self, Submit.self, Review.self, UserCommand.self, ConfigCommand.self, DoctorCommand.self, PDFExtractCommand.self])
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (TOML). Default: $GUICHET_CONFIG, else built-in defaults.")
    var config: String?

    func load() throws -> GuichetConfiguration {
        do {
            return try ConfigurationLoader.load(path: config)
        } catch let e as ConfigurationError {
            throw ValidationError(e.description)
        }
    }

    /// Logs go to stderr, one line per event, so journald and terminals read them alike.
    func logger(_ c: GuichetConfiguration, quiet: Bool = false) -> Logger {
        let level = quiet ? Logger.Level.warning : (Logger.Level(rawValue: c.logLevel) ?? .info)
        LoggingBootstrap.once(level: level)
        var l = Logger(label: "guichet")
        l.logLevel = level
        return l
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        // Under systemd, lines carry their syslog priority for the journal; elsewhere they are
        // the usual timestamped lines.
        if JournaldLogHandler.journalIsStderr() {
            LoggingSystem.bootstrap { label in JournaldLogHandler(label: label, level: level) }
            return
        }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: watch the drop folders and process documents.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let c = try global.load()
        let daemon = try Daemon(configuration: c, logger: global.logger(c))
        // SIGHUP reads the same file (and the same environment overrides) again.
        let path = global.config
        try await daemon.run(reload: { try ConfigurationLoader.load(path: path) })
    }
}
