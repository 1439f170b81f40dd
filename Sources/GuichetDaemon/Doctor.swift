import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetLLM
import GuichetStore

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `guichet doctor`: checks what ops usually get wrong, and says how to fix each problem.
public struct Doctor: Sendable {
    public struct Check: Sendable, Equatable, Encodable {
        public enum Status: String, Sendable, Encodable { case ok, warning, problem }
        public var name: String
        public var status: Status
        public var detail: String
        /// What to do; empty when nothing is wrong.
        public var fix: String
    }

    let configuration: GuichetConfiguration
    let layout: StateLayout

    /// Creates nothing: the doctor reports what is missing rather than fixing it silently.
    public init(configuration: GuichetConfiguration) {
        self.configuration = configuration
        self.layout = StateLayout(configuration)
    }

    public func run() async -> [Check] {
        var checks = directories()
        checks += diskSpace()
        checks.append(await model())
        checks.append(await storeIntegrity())
        checks.append(inotifyLimit())
        let running = DaemonLock.isHeld(path: layout.lockPath)
        checks.append(Check(name: "daemon", status: .ok, detail: running ? "running" : "not running", fix: ""))
        return checks
    }

    func directories() -> [Check] {
        var dirs = [("watch_dir", layout.watchDir), ("output_dir", layout.outputDir), ("state_dir", layout.stateDir)]
        for p in configuration.pipelines {
            dirs.append(("drop folder \(p.folder)", layout.pipelineWatchDir(p)))
        }
        return dirs.map { name, url in
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
                var ancestor = url.deletingLastPathComponent()
                while !FileManager.default.fileExists(atPath: ancestor.path) && ancestor.path != "/" { ancestor.deleteLastPathComponent() }
                if access(ancestor.path, W_OK | X_OK) == 0 {
                    return Check(name: name, status: .warning, detail: "\(url.path) does not exist yet", fix: "`guichet run` creates it")
                }
                return Check(name: name, status: .problem, detail: "\(url.path) does not exist and \(ancestor.path) is not writable",
                             fix: "create it (mkdir -p \(url.path)) and give the guichet user write access")
            }
            guard isDir.boolValue else {
                return Check(name: name, status: .problem, detail: "\(url.path) is not a directory",
                             fix: "create it (mkdir -p \(url.path)) and give the guichet user write access, or change \(name.hasPrefix("drop") ? "watch_dir" : name) in the configuration")
            }
            guard access(url.path, W_OK | X_OK) == 0 else {
                return Check(name: name, status: .problem, detail: "\(url.path) is not writable by this user",
                             fix: "chown -R guichet: \(url.path) (or chmod u+rwx), and list it in ReadWritePaths= of the systemd unit")
            }
            return Check(name: name, status: .ok, detail: url.path, fix: "")
        }
    }

    func diskSpace() -> [Check] {
        [layout.stateDir, layout.outputDir].map { url in
            guard let free = DiskSpace.available(at: url) else {
                return Check(name: "free space \(url.lastPathComponent)", status: .warning, detail: "cannot be measured", fix: "")
            }
            let floor = configuration.limits.minFreeBytes
            let mb = free / 1_048_576
            if free < floor {
                return Check(name: "free space \(url.lastPathComponent)", status: .problem,
                             detail: "\(mb) MB free, below the \(floor / 1_048_576) MB floor: no file is being taken",
                             fix: "free space on that disk (old approved jobs under \(layout.jobsDir.path) can be archived), or lower limits.min_free_mb")
            }
            return Check(name: "free space \(url.lastPathComponent)", status: free < floor * 3 ? .warning : .ok, detail: "\(mb) MB free",
                         fix: free < floor * 3 ? "space is getting low; plan a clean-up" : "")
        }
    }

    func model() async -> Check {
        let llm = configuration.llm
        if llm.backend == .bundled {
            let health = "http://127.0.0.1:\(llm.bundled.port)/health"
            if await HTTPProbe().get(url: health, timeout: 2) != 200 {
                let fm = FileManager.default
                if !fm.isExecutableFile(atPath: llm.bundled.python) || !fm.fileExists(atPath: llm.bundled.modelPath) {
                    return Check(name: "model", status: .problem, detail: "the bundled model is not installed (\(llm.bundled.modelPath))",
                                 fix: "run `make setup` (or scripts/setup-model.sh) in the Guichet directory, or set llm.backend = \"remote\" and llm.url")
                }
                return Check(name: "model", status: .warning, detail: "bundled model installed but not running",
                             fix: "it is started by `guichet run`; if the daemon runs, see \(layout.stateDir.path)/model-server.log")
            }
        }
        var c = LLMClientConfiguration(baseURL: llm.url)
        c.apiKey = try? configuration.apiKey()
        c.maxAttempts = 1
        c.requestTimeout = 60
        let client = CurlChatClient(configuration: c)
        do {
            let answer = try await client.complete(ChatRequest(model: llm.model, messages: [.user("Reply with the word OK.")], temperature: 0, maxTokens: 4))
            return Check(name: "model", status: .ok, detail: "\(llm.model) at \(llm.url) answers (\(answer.completionTokens) token(s))", fix: "")
        } catch let e as LLMError {
            let fix: String
            switch e.code {
            case .connectionFailed, .timedOut: fix = "check that the model server runs and llm.url (\(llm.url)) is right"
            case .clientError where e.httpStatus == 401 || e.httpStatus == 403: fix = "check the API key (llm.api_key_file or $\(llm.apiKeyEnv))"
            case .clientError where e.httpStatus == 404: fix = "check llm.url (it should end with /v1) and llm.model (\(llm.model))"
            default: fix = "see the error above; the model server's own log tells more"
            }
            return Check(name: "model", status: .problem, detail: e.description, fix: fix)
        } catch {
            return Check(name: "model", status: .problem, detail: "\(error)", fix: "")
        }
    }

    func storeIntegrity() async -> Check {
        guard FileManager.default.fileExists(atPath: layout.databasePath) else {
            return Check(name: "job store", status: .warning, detail: "no job store yet at \(layout.databasePath)", fix: "it is created by the first `guichet run`")
        }
        do {
            let r = try await SQLiteJobStore(path: layout.databasePath).integrityCheck()
            return r == "ok" ? Check(name: "job store", status: .ok, detail: "\(layout.databasePath): integrity ok", fix: "")
                : Check(name: "job store", status: .problem, detail: "integrity check: \(r)",
                        fix: "stop the daemon, back up \(layout.databasePath), then `sqlite3 guichet.sqlite '.recover' | sqlite3 recovered.sqlite`")
        } catch {
            return Check(name: "job store", status: .problem, detail: "\(error)", fix: "check the permissions of \(layout.stateDir.path)")
        }
    }

    func inotifyLimit() -> Check {
        guard let s = try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8),
              let limit = Int(s.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return Check(name: "inotify", status: .warning, detail: "limit unknown", fix: "")
        }
        var dirs = 0
        if let e = FileManager.default.enumerator(at: layout.watchDir, includingPropertiesForKeys: [.isDirectoryKey]) {
            for case let url as URL in e where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { dirs += 1 }
        }
        let needed = dirs + 1
        if needed * 5 > limit * 4 {
            return Check(name: "inotify", status: .problem, detail: "\(needed) folders to watch, limit \(limit)",
                         fix: "raise it: echo fs.inotify.max_user_watches=524288 > /etc/sysctl.d/90-guichet.conf && sysctl --system (the rescan still catches files meanwhile)")
        }
        return Check(name: "inotify", status: .ok, detail: "\(needed) folders to watch, limit \(limit)", fix: "")
    }
}
