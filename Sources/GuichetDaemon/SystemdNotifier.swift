import Foundation
import GuichetCore
import Logging
import ServiceLifecycle

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Talks to systemd over `$NOTIFY_SOCKET` (the sd_notify protocol, a datagram per message), so
/// the unit can be `Type=notify`: `READY=1` once the store, watcher and model are ready,
/// `STATUS=` with queue counts, `WATCHDOG=1` while the store answers, `RELOADING=1` then
/// `READY=1` around a configuration reload (SIGHUP), `STOPPING=1` on the way out. Hand-written: the protocol is one `sendto` and libsystemd is not a dependency we want.
/// Without `$NOTIFY_SOCKET` (not under systemd) every call does nothing.
public final class SystemdNotifier: Service, CustomStringConvertible, @unchecked Sendable {
    public var description: String { "SystemdNotifier" }

    let socketPath: String?
    let watchdogInterval: Duration?
    let store: any JobStore
    let readiness: (any ModelReadiness)?
    let logger: Logger
    /// Reports disk pressure (from intake), shown in STATUS.
    let diskPressure: (@Sendable () -> String?)?
    private let noteLock = NSLock()
    private var note: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, store: any JobStore,
                readiness: (any ModelReadiness)?, diskPressure: (@Sendable () -> String?)? = nil, logger: Logger) {
        self.diskPressure = diskPressure
        self.socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 {
            // Ping at half the watchdog period, as systemd recommends.
            self.watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            self.watchdogInterval = nil
        }
        self.store = store
        self.readiness = readiness
        self.logger = logger
    }

    /// Sends one notification; returns whether it was delivered.
    @discardableResult
    public func notify(_ message: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        // An address starting with '@' lives in the abstract namespace (a leading NUL byte).
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in path.enumerated() { buf[i] = b }
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let sent = message.withCString { msg in
            withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, msg, strlen(msg), 0, $0, len) }
            }
        }
        return sent >= 0
    }

    /// A remark kept at the head of every STATUS until replaced (a failed reload, say).
    public func setNote(_ text: String?) { noteLock.withLock { note = text } }

    /// A reload begins: `RELOADING=1` with the time on CLOCK_MONOTONIC, as systemd 253+ wants
    /// for `Type=notify-reload` (`Type=notify` accepts it too). `ready()` must follow.
    public func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=reloading the configuration")
    }

    /// `READY=1` (again, after a reload) with the current status.
    public func ready() async {
        let status = (try? await status()) ?? (noteLock.withLock { note } ?? "running")
        notify("READY=1\nSTATUS=\(status)")
    }

    public func run() async throws {
        guard socketPath != nil else {
            try? await gracefulShutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown {
                if let readiness = self.readiness { try await readiness.waitUntilReady() }
                self.notify("READY=1\nSTATUS=\(try await self.status())")
                self.logger.info("told systemd we are ready")
                var lastStatus = ContinuousClock.now
                while true {
                    try await Task.sleep(for: self.watchdogInterval.map { min($0, .seconds(5)) } ?? .seconds(5))
                    // The watchdog is only fed while the store answers: a hung daemon gets restarted.
                    let status = try await self.status()
                    if self.watchdogInterval != nil { self.notify("WATCHDOG=1") }
                    if ContinuousClock.now - lastStatus >= .seconds(5) {
                        self.notify("STATUS=\(status)")
                        lastStatus = .now
                    }
                }
            }
        } catch is CancellationError {}
        notify("STOPPING=1")
    }

    func status() async throws -> String {
        let c = try await store.countsByState()
        let counts = "\(c[.queued] ?? 0) queued, \(c[.processing] ?? 0) processing, \(c[.awaitingReview] ?? 0) awaiting review, \(c[.failed] ?? 0) failed"
        var parts: [String] = []
        if let note = noteLock.withLock({ note }) { parts.append(note) }
        if let low = diskPressure?() { parts.append("NOT TAKING FILES (disk space low: \(low))") }
        let unpublished = try await store.countJobs(matching: .awaitingPublication)
        if unpublished > 0 { parts.append("\(unpublished) APPROVED RESULT(S) NOT YET IN OUTPUT (full or unreachable; retried)") }
        return (parts + [counts]).joined(separator: "; ")
    }
}
