import Foundation

/// Counts failed sign-ins per account name and per client address in a sliding window;
/// once either reaches the limit, sign-in is refused until the window moves on, even with
/// the right password (so guessing cannot continue).
actor LoginLimiter {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Whether an attempt for `name` from `address` may be checked now.
    func allows(name: String, address: String, now: Date = Date()) -> Bool {
        prune(now)
        return (failures["n:" + name.lowercased()]?.count ?? 0) < limit && (failures["a:" + address]?.count ?? 0) < limit
    }

    func recordFailure(name: String, address: String, now: Date = Date()) {
        failures["n:" + name.lowercased(), default: []].append(now)
        failures["a:" + address, default: []].append(now)
    }

    /// A success clears the account's count (not the address's: one good password must not
    /// reset guessing at other accounts from the same place).
    func recordSuccess(name: String) {
        failures["n:" + name.lowercased()] = nil
    }

    private func prune(_ now: Date) {
        let horizon = now.addingTimeInterval(-window)
        for (k, v) in failures {
            let kept = v.filter { $0 > horizon }
            failures[k] = kept.isEmpty ? nil : kept
        }
    }
}
