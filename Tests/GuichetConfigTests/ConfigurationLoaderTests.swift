import Foundation
import GuichetConfig
import GuichetCore
import Testing

struct ConfigurationLoaderTests {
    @Test func noFileGivesTheDefaults() throws {
        let c = try ConfigurationLoader.parse("")
        #expect(c.watchDir == "Watch" && c.outputDir == "Output" && c.stateDir == ".guichet")
        #expect(c.llm.backend == .bundled)
        #expect(c.llm.url.hasPrefix("http://127.0.0.1"))
        #expect(Set(c.pipelines.map(\.folder)) == ["translate", "proofread", "swot", "reformulate"])
    }

    @Test func keysAreRead() throws {
        let c = try ConfigurationLoader.parse("""
            watch_dir = "/srv/depot"
            [llm]
            backend = "remote"
            url = "https://albert.example/v1"
            model = "albert-large"
            max_concurrent_requests = 8
            request_timeout = 30
            [chunking]
            max_tokens = 1200
            [watcher]
            use_inotify = false
            rescan_interval = 2.5
            [pipelines.translate]
            default_language = "anglais"
            """)
        #expect(c.watchDir == "/srv/depot")
        #expect(c.llm.backend == .remote && c.llm.model == "albert-large")
        #expect(c.llm.maxConcurrentRequests == 8 && c.llm.requestTimeout == 30)
        #expect(c.chunking.maxTokens == 1200)
        #expect(c.watcher.useInotify == false && c.watcher.rescanInterval == 2.5)
        #expect(c.pipeline(named: "translate")?.defaultLanguage == "en")
    }

    @Test func environmentOverridesTheFileAndSwitchesToRemote() throws {
        let c = try ConfigurationLoader.parse(
            "[llm]\nmodel = \"a\"",
            environment: ["GUICHET_LLM_URL": "http://127.0.0.1:11434/v1", "GUICHET_LLM_MODEL": "mistral"])
        #expect(c.llm.url == "http://127.0.0.1:11434/v1")
        #expect(c.llm.model == "mistral")
        #expect(c.llm.backend == .remote)
    }

    @Test func everyWrongKeyIsNamedWithItsReason() throws {
        let text = """
            [llm]
            max_concurent_requests = 4
            max_concurrent_requests = "four"
            api_key = "sk-secret-123"
            url = "localhost:8080"
            [chunking]
            max_tokens = 5
            [pipelines.translate]
            mode = "parallel"
            """
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.parse(text) }
        let byKey = Dictionary(error.problems.map { ($0.key, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["llm.max_concurent_requests"]?.contains("did you mean 'max_concurrent_requests'") == true)
        #expect(byKey["llm.max_concurrent_requests"]?.contains("whole number") == true)
        #expect(byKey["llm.api_key"]?.contains("api_key_file") == true)
        #expect(byKey["llm.url"]?.contains("http(s) URL") == true)
        #expect(byKey["chunking.max_tokens"]?.contains("between 50") == true)
        #expect(byKey["pipelines.translate.mode"]?.contains("map-reduce") == true)
        // The secret itself is never echoed back.
        #expect(!error.description.contains("sk-secret-123"))
    }

    @Test func syntaxErrorsSayWhere() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse("[llm\nurl = 1", file: "g.toml")
        }
        #expect(error.description.contains("g.toml"))
        #expect(error.problems.first?.reason.contains("line 1") == true)
    }

    @Test func aNewPipelineIsADeclaration() throws {
        let c = try ConfigurationLoader.parse("""
            [pipelines.simplify]
            mode = "map"
            system_prompt = "Simplify the text in {{language}}."
            chunk_prompt = "{{text}}"
            output_suffix = "simple"
            """)
        let p = try #require(c.pipeline(forFolder: "simplify"))
        #expect(p.mode == .map && p.outputSuffix == "simple" && p.promptVersion == "simplify-1")
        let missing = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse("[pipelines.summary]\nmode = \"map-reduce\"\nchunk_prompt = \"{{text}}\"")
        }
        #expect(Set(missing.problems.map(\.key)).isSuperset(of: ["pipelines.summary.system_prompt", "pipelines.summary.reduce_prompt"]))
        let clash = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse("[pipelines.swot]\nfolder = \"translate\"")
        }
        #expect(clash.problems.contains { $0.reason.contains("already used") })
    }

    @Test func apiKeyComesFromFileOrEnvironment() throws {
        var c = try ConfigurationLoader.parse("")
        #expect(try c.apiKey(environment: ["GUICHET_LLM_API_KEY": "k1"]) == "k1")
        #expect(try c.apiKey(environment: [:]) == nil)
        let f = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID())")
        try "k2\n".write(to: f, atomically: true, encoding: .utf8)
        c.llm.apiKeyFile = f.path
        #expect(try c.apiKey(environment: ["GUICHET_LLM_API_KEY": "k1"]) == "k2")
    }
}
