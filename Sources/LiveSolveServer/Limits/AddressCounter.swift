import NIOConcurrencyHelpers

/// Open WebSocket connections per client address (`limits.connectionsPerAddress`), counted by
/// every connection's upgrade and close, on whatever loop it runs.
final class AddressCounter: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a connection from `address`; false (nothing counted) when it has its limit already.
    func add(_ address: String) -> Bool {
        return counts.withLockedValue { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    func remove(_ address: String) {
        counts.withLockedValue { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }
}
