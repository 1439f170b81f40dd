/// What is wrong with a configuration: each problem names its key and says why.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The dotted key (`llm.max_concurrent_requests`), or `(file)` for parse errors.
        public var key: String
        public var reason: String
        public var description: String { "\(key): \(reason)" }
    }

    public var file: String?
    public var problems: [Problem]

    public var description: String {
        let head = file.map { "invalid configuration \($0)" } ?? "invalid configuration"
        return ([head + ":"] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}
