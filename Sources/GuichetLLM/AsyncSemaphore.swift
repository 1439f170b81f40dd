import Synchronization

/// A counting semaphore for Swift concurrency: waiting suspends the task (it never blocks a
/// thread of the cooperative pool) and waiters are served in FIFO order.
///
/// Waiting is cancellable: a cancelled waiter is removed from the queue and `acquire()` throws
/// `CancellationError` without taking a permit.
final class AsyncSemaphore: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var permits: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Creates a semaphore with `permits` initial permits (at least 1).
    init(permits: Int) {
        state = Mutex(State(permits: max(1, permits)))
    }

    /// Takes a permit, suspending until one is free.
    /// - Throws: `CancellationError` if the task is or becomes cancelled while waiting.
    func acquire() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case resume, fail, wait }
                let action = state.withLock { state -> Action in
                    // The cancellation flag is set before the onCancel handler runs, so checking it
                    // under the lock closes the race with `cancelWaiter`.
                    if Task.isCancelled { return .fail }
                    if state.permits > 0 {
                        state.permits -= 1
                        return .resume
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch action {
                case .resume: continuation.resume()
                case .fail: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            cancelWaiter(id: id)
        }
    }

    /// Returns a permit, handing it directly to the oldest waiter if there is one.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.permits += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    /// Permits currently free (for tests and diagnostics).
    var availablePermits: Int {
        state.withLock { $0.permits }
    }

    private func cancelWaiter(id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        continuation?.resume(throwing: CancellationError())
    }
}
