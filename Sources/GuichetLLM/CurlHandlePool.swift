import Dispatch
import Synchronization

/// A reusable "lane": one libcurl easy handle plus the serial Dispatch queue that runs its
/// blocking transfers.
///
/// Serial Dispatch queues are overcommitting on Linux, so each busy lane gets its own thread
/// instead of competing with Swift's cooperative pool (2 threads on this machine) or with a
/// width-limited global concurrent queue.
final class CurlLane: Sendable {
    let handle: CurlEasyHandle
    let queue: DispatchQueue

    init?(index: Int) {
        guard let handle = CurlEasyHandle() else { return nil }
        self.handle = handle
        self.queue = DispatchQueue(label: "guichet.llm.curl.\(index)")
    }

    /// Runs a transfer on this lane's queue and resumes the caller when it finishes.
    /// Cancelling the calling task aborts the transfer (through the progress callback).
    func perform(_ request: CurlTransferRequest) async -> CurlTransferResult {
        let context = CurlTransferContext(maxResponseBytes: request.maxResponseBytes)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlTransferResult, Never>) in
                queue.async { [handle] in
                    let result = withExtendedLifetime(context) {
                        handle.perform(request, context: context)
                    }
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            context.cancel()
        }
    }

    /// A one-off transfer on a fresh handle and queue (used by `HTTPProbe`).
    static func performOnce(_ request: CurlTransferRequest) async -> CurlTransferResult? {
        guard let lane = CurlLane(index: -1) else { return nil }
        return await lane.perform(request)
    }
}

/// A small pool of `CurlLane`s so that keep-alive connections are reused between requests.
///
/// The pool never holds more lanes than the concurrency bound, because a lane is only checked
/// out by a caller holding a permit of the client's `AsyncSemaphore`.
final class CurlHandlePool: Sendable {
    private struct State {
        var idle: [CurlLane] = []
        var created = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Takes an idle lane (most recently used first, whose connection is most likely alive)
    /// or creates one. Returns nil only if libcurl cannot allocate a handle.
    func checkOut() -> CurlLane? {
        let (lane, index) = state.withLock { state -> (CurlLane?, Int) in
            if let lane = state.idle.popLast() { return (lane, 0) }
            state.created += 1
            return (nil, state.created)
        }
        if let lane { return lane }
        return CurlLane(index: index)
    }

    /// Returns a lane after its transfer finished.
    func checkIn(_ lane: CurlLane) {
        state.withLock { state in
            if state.idle.count < capacity { state.idle.append(lane) }
        }
    }

    /// Number of lanes created so far (for tests and diagnostics).
    var createdCount: Int {
        state.withLock { $0.created }
    }
}
