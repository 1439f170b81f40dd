import Foundation
import GuichetCore
import TOMLKit

/// Walks the TOML tables, copying known keys into the configuration and collecting one
/// problem per wrong key, so `guichet config check` can report them all at once.
struct TableReader {
    var problems: [ConfigurationError.Problem] = []

    mutating func read(_ root: TOMLTable, into c: inout GuichetConfiguration) {
        for key in root.keys {
            let v = root[key]!
            switch key {
            case "watch_dir": string(v, key, nonEmpty: true).map { c.watchDir = $0 }
            case "output_dir": string(v, key, nonEmpty: true).map { c.outputDir = $0 }
            case "state_dir": string(v, key, nonEmpty: true).map { c.stateDir = $0 }
            case "log_level":
                if let s = string(v, key) {
                    if ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(s) {
                        c.logLevel = s
                    } else {
                        problem(key, "must be one of trace, debug, info, notice, warning, error; got \"\(s)\"")
                    }
                }
            case "shutdown_grace": number(v, key, 0...3_600).map { c.shutdownGrace = $0 }
            case "llm": table(v, key).map { readLLM($0, into: &c.llm) }
            case "chunking":
                table(v, key).map { t in
                    for (k, v, path) in entries(t, "chunking") {
                        switch k {
                        case "max_tokens": int(v, path, 50...100_000).map { c.chunking.maxTokens = $0 }
                        default: unknown(path, ["max_tokens"])
                        }
                    }
                }
            case "watcher":
                table(v, key).map { t in
                    for (k, v, path) in entries(t, "watcher") {
                        switch k {
                        case "use_inotify": bool(v, path).map { c.watcher.useInotify = $0 }
                        case "rescan_interval": number(v, path, 0.1...86_400).map { c.watcher.rescanInterval = $0 }
                        case "stability_delay": number(v, path, 0...3_600).map { c.watcher.stabilityDelay = $0 }
                        default: unknown(path, ["use_inotify", "rescan_interval", "stability_delay"])
                        }
                    }
                }
            case "limits":
                table(v, key).map { t in
                    for (k, v, path) in entries(t, "limits") {
                        switch k {
                        case "max_file_mb": int(v, path, 1...10_000).map { c.limits.maxFileBytes = $0 * 1024 * 1024 }
                        case "max_pdf_pages": int(v, path, 1...100_000).map { c.limits.maxPDFPages = $0 }
                        case "min_free_mb": int(v, path, 0...10_000_000).map { c.limits.minFreeBytes = UInt64($0) * 1024 * 1024 }
                        default: unknown(path, ["max_file_mb", "max_pdf_pages", "min_free_mb"])
                        }
                    }
                }
            case "pipelines": table(v, key).map { readPipelines($0, into: &c.pipelines) }
            case "web": table(v, key).map { readWeb($0, into: &c.web) }
            case "notifications": table(v, key).map { readNotifications($0, into: &c.notifications) }
            default:
                unknown(key, ["watch_dir", "output_dir", "state_dir", "log_level", "shutdown_grace", "llm", "chunking", "watcher", "limits", "pipelines", "web", "notifications"])
            }
        }
    }

    mutating func readWeb(_ t: TOMLTable, into w: inout GuichetConfiguration.Web) {
        for (k, v, path) in entries(t, "web") {
            switch k {
            case "enabled": bool(v, path).map { w.enabled = $0 }
            case "host": string(v, path, nonEmpty: true).map { w.host = $0 }
            case "port": int(v, path, 1...65_535).map { w.port = $0 }
            case "public_url": string(v, path, nonEmpty: true).map { w.publicURL = $0 }
            case "secure_cookies": bool(v, path).map { w.secureCookies = $0 }
            case "session_hours": number(v, path, 0.1...24 * 90).map { w.sessionHours = $0 }
            case "max_upload_mb": int(v, path, 1...1_000).map { w.maxUploadBytes = $0 * 1024 * 1024 }
            case "bcrypt_cost": int(v, path, 4...31).map { w.bcryptCost = $0 }
            case "max_login_attempts": int(v, path, 1...1_000).map { w.maxLoginAttempts = $0 }
            case "login_window": number(v, path, 1...86_400).map { w.loginWindow = $0 }
            default:
                unknown(path, ["enabled", "host", "port", "public_url", "secure_cookies", "session_hours", "max_upload_mb", "bcrypt_cost", "max_login_attempts", "login_window"])
            }
        }
    }

    mutating func readNotifications(_ t: TOMLTable, into n: inout GuichetConfiguration.Notifications) {
        for (k, v, path) in entries(t, "notifications") {
            switch k {
            case "interval": number(v, path, 1...7 * 86_400).map { n.interval = $0 }
            case "poll_interval": number(v, path, 1...86_400).map { n.pollInterval = $0 }
            case "email":
                guard let et = table(v, path) else { continue }
                var e = GuichetConfiguration.Notifications.Email()
                for (k2, v2, p2) in entries(et, path) {
                    switch k2 {
                    case "url": string(v2, p2, nonEmpty: true).map { e.url = $0 }
                    case "starttls": bool(v2, p2).map { e.starttls = $0 }
                    case "username": string(v2, p2, nonEmpty: true).map { e.username = $0 }
                    case "password_file": string(v2, p2, nonEmpty: true).map { e.passwordFile = $0 }
                    case "password_env": string(v2, p2, nonEmpty: true).map { e.passwordEnv = $0 }
                    case "from": string(v2, p2, nonEmpty: true).map { e.from = $0 }
                    case "from_name": string(v2, p2, nonEmpty: true).map { e.fromName = $0 }
                    case "to":
                        if let arr = v2.array, !arr.isEmpty, arr.allSatisfy({ $0.string?.isEmpty == false }) {
                            e.to = arr.compactMap(\.string)
                        } else { problem(p2, "must be a non-empty array of addresses") }
                    case "password": problem(p2, "secrets do not belong in the configuration file; use password_file or password_env")
                    default: unknown(p2, ["url", "starttls", "username", "password_file", "password_env", "from", "from_name", "to"])
                    }
                }
                if e.url.isEmpty || e.from.isEmpty || e.to.isEmpty { problem(path, "needs url, from and to") }
                n.email = e
            case "webhook":
                guard let wt = table(v, path) else { continue }
                var w = GuichetConfiguration.Notifications.Webhook()
                for (k2, v2, p2) in entries(wt, path) {
                    switch k2 {
                    case "url": string(v2, p2, nonEmpty: true).map { w.url = $0 }
                    case "secret_file": string(v2, p2, nonEmpty: true).map { w.secretFile = $0 }
                    case "secret_env": string(v2, p2, nonEmpty: true).map { w.secretEnv = $0 }
                    case "timeout": number(v2, p2, 0.5...600).map { w.timeout = $0 }
                    case "secret": problem(p2, "secrets do not belong in the configuration file; use secret_file or secret_env")
                    default: unknown(p2, ["url", "secret_file", "secret_env", "timeout"])
                    }
                }
                if w.url.isEmpty { problem(path, "needs url") }
                n.webhook = w
            default: unknown(path, ["email", "webhook", "interval", "poll_interval"])
            }
        }
    }

    mutating func readLLM(_ t: TOMLTable, into l: inout GuichetConfiguration.LLM) {
        for (k, v, path) in entries(t, "llm") {
            switch k {
            case "backend":
                if let s = string(v, path) {
                    if let b = GuichetConfiguration.LLM.Backend(rawValue: s) { l.backend = b }
                    else { problem(path, "must be \"bundled\" (local model started by Guichet) or \"remote\" (any URL); got \"\(s)\"") }
                }
            case "url": string(v, path, nonEmpty: true).map { l.url = $0 }
            case "model": string(v, path, nonEmpty: true).map { l.model = $0 }
            case "api_key":
                problem(path, "API keys are never written in the configuration file: put the key in a file readable only by Guichet and set llm.api_key_file, or set the environment variable named by llm.api_key_env")
            case "api_key_env": string(v, path, nonEmpty: true).map { l.apiKeyEnv = $0 }
            case "api_key_file": string(v, path, nonEmpty: true).map { l.apiKeyFile = $0 }
            case "max_concurrent_requests": int(v, path, 1...64).map { l.maxConcurrentRequests = $0 }
            case "request_timeout": number(v, path, 1...86_400).map { l.requestTimeout = $0 }
            case "connect_timeout": number(v, path, 0.1...600).map { l.connectTimeout = $0 }
            case "max_attempts": int(v, path, 1...20).map { l.maxAttempts = $0 }
            case "retry_delay": number(v, path, 0.1...86_400).map { l.retryDelay = $0 }
            case "max_output_tokens": int(v, path, 16...1_000_000).map { l.maxOutputTokens = $0 }
            case "bundled":
                table(v, path).map { bt in
                    for (k, v, path) in entries(bt, path) {
                        switch k {
                        case "python": string(v, path, nonEmpty: true).map { l.bundled.python = $0 }
                        case "script": string(v, path, nonEmpty: true).map { l.bundled.script = $0 }
                        case "model_path": string(v, path, nonEmpty: true).map { l.bundled.modelPath = $0 }
                        case "port": int(v, path, 1...65_535).map { l.bundled.port = $0 }
                        case "threads": int(v, path, 1...256).map { l.bundled.threads = $0 }
                        case "parallel": int(v, path, 1...64).map { l.bundled.parallel = $0 }
                        case "context_size": int(v, path, 512...1_048_576).map { l.bundled.contextSize = $0 }
                        case "start_timeout": number(v, path, 1...3_600).map { l.bundled.startTimeout = $0 }
                        default: unknown(path, ["python", "script", "model_path", "port", "threads", "parallel", "context_size", "start_timeout"])
                        }
                    }
                }
            default:
                unknown(path, ["backend", "url", "model", "api_key_env", "api_key_file", "max_concurrent_requests", "request_timeout", "connect_timeout", "max_attempts", "retry_delay", "max_output_tokens", "bundled"])
            }
        }
    }
}
