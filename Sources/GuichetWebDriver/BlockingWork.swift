import Dispatch

/// Runs work that blocks a thread (socket reads, removing a browser profile) off Swift's
/// cooperative pool.
///
/// The pool has one thread per core — two here — so a single blocked call can stall every
/// other task in the test process, the in-process site's handlers included. A serial queue of
/// its own targets Dispatch's overcommitting root queue, which adds a thread rather than wait
/// for one: a long block (Chromium starting for many seconds) holds no thread others need.
enum BlockingWork {
    static func run<T: Sendable>(_ label: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "GuichetWebDriver.\(label)").async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// `run` for work that cannot fail.
    static func run(_ label: String, _ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue(label: "GuichetWebDriver.\(label)").async {
                work()
                continuation.resume()
            }
        }
    }
}
