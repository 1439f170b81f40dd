import Foundation
import GuichetCore

/// Everything Guichet can be told, with a default for every key so that no file is needed.
public struct GuichetConfiguration: Sendable, Equatable {
    /// Drop folders live here, one per pipeline.
    public var watchDir = "Watch"
    /// Approved results go to `<outputDir>/<pipeline>/`.
    public var outputDir = "Output"
    /// Originals, results awaiting review and the job store.
    public var stateDir = ".guichet"
    public var llm = LLM()
    public var chunking = Chunking()
    public var watcher = Watcher()
    public var limits = Limits()
    public var web = Web()
    public var notifications = Notifications()
    public var pipelines: [PipelineDefinition] = PipelineDefinition.builtins
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error`.
    public var logLevel = "info"
    /// Seconds jobs in progress may take to finish after SIGTERM (keep below systemd's
    /// TimeoutStopSec); what is left is interrupted and resumes at the next start.
    public var shutdownGrace = 20.0

    public init() {}

    public struct LLM: Sendable, Equatable {
        /// `bundled`: the daemon starts and supervises the local model server.
        /// `remote`: any OpenAI-compatible URL (Ollama, llama.cpp, vLLM, Albert…).
        public enum Backend: String, Sendable, Equatable, CaseIterable { case bundled, remote }
        public var backend: Backend = .bundled
        public var url = "http://127.0.0.1:8089/v1"
        public var model = "qwen2.5-coder-1.5b-instruct"
        /// Name of the environment variable holding the API key.
        public var apiKeyEnv = "GUICHET_LLM_API_KEY"
        /// A file holding the API key (first line), for systemd credentials or secrets.
        public var apiKeyFile: String?
        public var maxConcurrentRequests = 2
        /// Seconds for one model call (a small local model on one core is slow).
        public var requestTimeout = 600.0
        public var connectTimeout = 5.0
        /// Attempts per call before the job is put back to wait for the model.
        public var maxAttempts = 4
        /// Seconds a job waits before trying again when the model is unreachable.
        public var retryDelay = 30.0
        public var maxOutputTokens = 2048
        public var bundled = Bundled()
        public init() {}
    }

    /// The local model server the daemon starts when `llm.backend = "bundled"`.
    public struct Bundled: Sendable, Equatable {
        public var python = ".venv/bin/python"
        public var script = "scripts/serve_model.py"
        public var modelPath = ".venv/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        public var port = 8089
        public var threads = 1
        public var parallel = 2
        public var contextSize = 8192
        /// Seconds to wait for `/health` after a start.
        public var startTimeout = 120.0
        public init() {}
    }

    public struct Chunking: Sendable, Equatable {
        /// Budget of one chunk, in estimated tokens (the answer is about as long again).
        public var maxTokens = 700
        public init() {}
    }

    public struct Watcher: Sendable, Equatable {
        public var useInotify = true
        /// Seconds between rescans (network shares where inotify sees nothing).
        public var rescanInterval = 10.0
        /// Seconds a file's size and mtime must stay unchanged before a rescan takes it.
        public var stabilityDelay = 2.0
        public init() {}
    }

    public struct Limits: Sendable, Equatable {
        /// Larger files are refused with an explanation.
        public var maxFileBytes = 20 * 1024 * 1024
        /// PDFs with more pages are refused with an explanation.
        public var maxPDFPages = 500
        /// Below this much free space in the state or output directory, no new file is taken
        /// (files wait in their drop folder); taking resumes by itself once space is back.
        public var minFreeBytes: UInt64 = 100 * 1024 * 1024
        public init() {}
    }

    /// The approvers' web page.
    public struct Web: Sendable, Equatable {
        /// Started by `guichet run`; `guichet serve` starts it alone.
        public var enabled = true
        /// Loopback by default: nothing is reachable from the network unless configured.
        public var host = "127.0.0.1"
        public var port = 8080
        /// The address approvers type (used in notification messages), e.g. `https://guichet.mairie.local`.
        public var publicURL: String?
        /// Marks the session cookie `Secure`; set it when a TLS reverse proxy fronts Guichet.
        public var secureCookies = false
        /// How long a sign-in lasts.
        public var sessionHours = 12.0
        /// Largest corrected DOCX an approver may upload.
        public var maxUploadBytes = 25 * 1024 * 1024
        /// bcrypt work factor for new passwords (each step doubles the time).
        public var bcryptCost = 12
        /// Failed sign-ins allowed per account and per address in `loginWindow` seconds.
        public var maxLoginAttempts = 5
        public var loginWindow = 900.0
        public init() {}
    }

    /// Telling approvers that items wait: a digest by e-mail and/or webhook. Off by default.
    public struct Notifications: Sendable, Equatable {
        public struct Email: Sendable, Equatable {
            /// `smtp://host:25`, `smtp://host:587` (with `starttls`), or `smtps://host:465`.
            public var url = ""
            public var starttls = false
            public var username: String?
            /// The SMTP password is read from this file or environment variable, never from the TOML file.
            public var passwordFile: String?
            public var passwordEnv = "GUICHET_SMTP_PASSWORD"
            public var from = ""
            public var fromName = "Guichet"
            public var to: [String] = []
            public init() {}
        }
        public struct Webhook: Sendable, Equatable {
            public var url = ""
            /// Sent as `Authorization: Bearer …`; read from this file or environment variable.
            public var secretFile: String?
            public var secretEnv = "GUICHET_WEBHOOK_SECRET"
            public var timeout = 10.0
            public init() {}
        }
        public var email: Email?
        public var webhook: Webhook?
        /// At least this many seconds between two digests.
        public var interval = 900.0
        public var pollInterval = 30.0
        public init() {}
    }

    /// A secret from a file (first line) or else an environment variable; never from the TOML.
    public static func secret(file: String?, env: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            do {
                let s = try String(contentsOfFile: file, encoding: .utf8)
                let v = s.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces)
                return v?.isEmpty == false ? v : nil
            } catch {
                throw GuichetError(.configuration, "cannot read secret file \(file)", cause: "\(error)")
            }
        }
        if let v = environment[env], !v.isEmpty { return v }
        return nil
    }

    /// The pipeline handling a drop folder.
    public func pipeline(forFolder folder: String) -> PipelineDefinition? {
        pipelines.first { $0.folder == folder }
    }

    public func pipeline(named name: String) -> PipelineDefinition? {
        pipelines.first { $0.name == name }
    }

    /// The API key from the file or the environment; never logged, never in the TOML file.
    public func apiKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> String?
    {
        do {
            return try Self.secret(file: llm.apiKeyFile, env: llm.apiKeyEnv, environment: environment)
        } catch let e as GuichetError {
            throw GuichetError(.configuration, "llm.api_key_file: \(e.message)", cause: e.cause)
        }
    }
}
