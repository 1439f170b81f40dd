import ArgumentParser
import Foundation
import GuichetCore
import GuichetDaemon
import GuichetWeb

/// `guichet user …`: accounts of the approvers' web page.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Accounts of the web page: add, passwd, list, disable, enable.",
        subcommands: [Add.self, Passwd.self, List.self, Disable.self, Enable.self])

    /// The password from `--password-stdin` (for scripts) or typed twice at a terminal prompt.
    static func readPassword(fromStdin: Bool) throws -> String {
        if fromStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
            return line
        }
        guard let first = getpass("Mot de passe : ").map({ String(cString: $0) }), !first.isEmpty else {
            throw ValidationError("no password given")
        }
        let second = getpass("Confirmez : ").map { String(cString: $0) }
        guard first == second else { throw ValidationError("the two passwords differ") }
        return first
    }

    static func run(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let e as GuichetError { throw ValidationError(e.message) }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(name: .long, help: "approver or admin.") var role: String
        @Option(name: .long, help: "Pipelines an approver may see and decide on, comma-separated.") var pipelines: String = ""
        @Flag(name: .long, help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            let c = try global.load()
            guard let role = Account.Role(rawValue: role) else { throw ValidationError("--role is approver or admin") }
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let password = try UserCommand.readPassword(fromStdin: passwordStdin)
            try await UserCommand.run {
                let a = try await d.accountDesk.add(name: name, role: role, pipelines: pipelines.split(separator: ",").map(String.init),
                                                    password: password, knownPipelines: c.pipelines.map(\.name))
                print("account \(a.name) created (\(a.role.rawValue)\(a.role == .approver ? ": " + a.pipelines.joined(separator: ", ") : ""))")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password (signs the account out everywhere).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Flag(name: .long, help: "Read the password from standard input.") var passwordStdin = false

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let password = try UserCommand.readPassword(fromStdin: passwordStdin)
            try await UserCommand.run {
                try await d.accountDesk.setPassword(name: name, password: password)
                print("password of \(name) changed")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            let accounts = try await d.accountDesk.list()
            if accounts.isEmpty { print("no account; create one with: guichet user add NAME --role admin"); return }
            for a in accounts {
                let scope = a.role == .admin ? "all pipelines" : a.pipelines.joined(separator: ",")
                print("\(a.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(a.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(scope)\(a.disabled ? "  (disabled)" : "")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (its decisions stay in the audit trail).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            try await UserCommand.run {
                try await d.accountDesk.disable(name: name)
                print("account \(name) disabled")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let c = try global.load()
            let d = try Daemon(configuration: c, logger: global.logger(c, quiet: true))
            try await UserCommand.run {
                try await d.accountDesk.enable(name: name)
                print("account \(name) enabled")
            }
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run only the approvers' web page.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let c = try global.load()
        let d = try Daemon(configuration: c, logger: global.logger(c))
        try await d.serve()
    }
}
