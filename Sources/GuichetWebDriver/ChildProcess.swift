import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process whose whole process group is ended with it.
///
/// Why the group: chromedriver starts Chromium, which forks its own helpers (zygote, renderers,
/// GPU). Signalling chromedriver alone can orphan them; they share its process group, so one
/// `kill(-pgid)` reaches them all.
///
/// Why `posix_spawn` rather than Foundation's `Process`: `Process` spawns from the calling
/// thread and the child inherits that thread's signal mask. Called from a Swift task, that is a
/// Dispatch worker with SIGTERM blocked, so chromedriver ignored SIGTERM and every stop waited
/// for SIGKILL. It also let the test process's sockets leak into chromedriver. Here the child
/// gets an empty mask, default signal dispositions, its own group, and no inherited descriptors.
///
/// Nothing here blocks a cooperative thread: a plain thread per child waits for its exit,
/// and `terminate` polls with `Task.sleep`.
final class ChildProcess: Sendable {
    /// The child's pid, which is also its process group id.
    let pid: pid_t
    /// The exit status once it exited: the exit code, or 128 + the signal that ended it.
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable` with stdout and stderr appended to `log`, stdin from /dev/null.
    init(executable: URL, arguments: [String], log: URL) throws {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        pid = try Self.spawn(executable.path, arguments: arguments, log: log.path)
        _ = ChildProcess.reaper.withLock { $0.insert(pid) }
        _ = ChildProcess.installExitHook
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros, not imported into Swift.
            let signal = status & 0x7F
            exit.withLock { $0 = signal == 0 ? (status >> 8) & 0xFF : 128 + signal }
        }
        thread.name = "GuichetWebDriver.wait.\(pid)"
        thread.start()
    }

    private static func spawn(_ path: String, arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)  // the test ignores SIGPIPE; the child must not
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw WebDriverError(.driverStartFailed, "posix_spawn \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// glibc 2.34+'s `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does
    /// not import: found at run time; without it descriptors leak into the child, as before.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    var isRunning: Bool { exit.withLock { $0 == nil } }

    /// The exit status, once the child has exited.
    var terminationStatus: Int32? { exit.withLock { $0 } }

    /// Sends `signal` to the child's group. ESRCH once the group is empty: nothing left to end.
    func send(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Polls until the child has exited or `limit` passed; true when it exited.
    func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            // Not cancellable on purpose: a cancelled test must still see its driver ended.
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// SIGTERM to the group, SIGKILL after `grace` if the child still runs, then SIGKILL to
    /// whatever of its group outlived it.
    func terminate(grace: Duration) async {
        send(SIGTERM)
        if !(await waitForExit(within: grace)) {
            send(SIGKILL)
            _ = await waitForExit(within: .seconds(5))
        }
        send(SIGKILL)
        _ = ChildProcess.reaper.withLock { $0.remove(pid) }
    }

    /// `terminate(grace:)` for places that cannot await (`deinit`): SIGTERM now, the rest on a
    /// Dispatch queue, never on the caller's thread; `afterwards` runs there once all is killed.
    func terminateDetached(grace: Duration, afterwards: @escaping @Sendable () -> Void = {}) {
        send(SIGTERM)
        let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) * 1e-18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            send(SIGKILL)
            _ = ChildProcess.reaper.withLock { $0.remove(pid) }
            afterwards()
        }
    }

    // MARK: - Last resort at process exit

    /// Groups not yet ended. A test run that exits (even after failures, or with a driver still
    /// referenced by a leaked object) kills them from `atexit`; only a crash escapes this.
    private static let reaper = Mutex<Set<pid_t>>([])

    private static let installExitHook: Void = {
        atexit {
            let groups = ChildProcess.reaper.withLock { $0 }
            for pid in groups { _ = kill(-pid, SIGKILL) }
        }
    }()
}
