/// Runs `body` over `items` with at most `width` in flight, and stops at the first error
/// (cancelling the others). Each finished item is handled by `body` itself (it stores its own
/// result), so order of completion does not matter; callers reassemble by index.
enum FanOut {
    static func run<T: Sendable>(
        _ items: [T], width: Int, _ body: @escaping @Sendable (T) async throws -> Void
    ) async throws {
        guard !items.isEmpty else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<max(1, width) {
                guard let item = iterator.next() else { break }
                group.addTask { try await body(item) }
            }
            while try await group.next() != nil {
                if let item = iterator.next() {
                    group.addTask { try await body(item) }
                }
            }
        }
    }

    /// Same, in two steps: at most `width` `call`s (the model calls) in flight, and each item's
    /// `then` (storing its answer) run beside the next calls, not in a call's slot, so a slow
    /// write never leaves the model idle. An error from either step stops the whole run.
    static func run<T: Sendable, R: Sendable>(
        _ items: [T], width: Int,
        call: @escaping @Sendable (T) async throws -> R,
        then: @escaping @Sendable (T, R) async throws -> Void
    ) async throws {
        guard !items.isEmpty else { return }
        // A child's result: the item and its answer after a call, nil after a store.
        try await withThrowingTaskGroup(of: (T, R)?.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<max(1, width) {
                guard let item = iterator.next() else { break }
                group.addTask { (item, try await call(item)) }
            }
            while let step = try await group.next() {
                guard let (done, result) = step else { continue }
                if let item = iterator.next() {
                    group.addTask { (item, try await call(item)) }
                }
                group.addTask {
                    try await then(done, result)
                    return nil
                }
            }
        }
    }
}
