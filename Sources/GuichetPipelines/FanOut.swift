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
}
