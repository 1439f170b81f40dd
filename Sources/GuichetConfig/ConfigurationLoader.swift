import Foundation
import GuichetCore
import TOMLKit

/// Reads the TOML file, applies environment overrides and validates every key.
///
/// Unknown keys are errors (a misspelt key silently ignored is a classic operations trap), and
/// each problem names the key and what is expected.
public enum ConfigurationLoader {
    /// The file named by `--config`, else `GUICHET_CONFIG`, else none (all defaults).
    public static func load(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> GuichetConfiguration {
        let file = path ?? environment["GUICHET_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var text = ""
        if let file {
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError(
                    file: file, problems: [.init(key: "(file)", reason: "cannot be read: \(error.localizedDescription)")])
            }
        }
        return try parse(text, file: file, environment: environment)
    }

    /// Parses TOML text (empty text gives the defaults) and applies environment overrides.
    public static func parse(
        _ text: String, file: String? = nil, environment: [String: String] = [:]
    ) throws -> GuichetConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigurationError(
                file: file,
                problems: [.init(key: "(file)", reason: "not valid TOML at line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)")])
        }
        var reader = TableReader()
        var config = GuichetConfiguration()
        reader.read(table, into: &config)
        var backendSet = table["llm"]?.table?["backend"] != nil
        if let url = environment["GUICHET_LLM_URL"], !url.isEmpty {
            config.llm.url = url
            if !backendSet {
                config.llm.backend = .remote
                backendSet = true
            }
        }
        if let model = environment["GUICHET_LLM_MODEL"], !model.isEmpty { config.llm.model = model }
        if let v = environment["GUICHET_WATCH_DIR"], !v.isEmpty { config.watchDir = v }
        if let v = environment["GUICHET_OUTPUT_DIR"], !v.isEmpty { config.outputDir = v }
        if let v = environment["GUICHET_STATE_DIR"], !v.isEmpty { config.stateDir = v }
        reader.validateURL(config.llm.url, key: environment["GUICHET_LLM_URL"] != nil ? "GUICHET_LLM_URL" : "llm.url")
        if !reader.problems.isEmpty { throw ConfigurationError(file: file, problems: reader.problems) }
        return config
    }
}
