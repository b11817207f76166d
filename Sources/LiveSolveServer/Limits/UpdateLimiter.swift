import LiveSolveCoordination
import LiveSolveModel

/// `limits.updatesPerSecond` with `limits.updatesBurst`: one bucket per token, or per
/// WebSocket connection when the server runs open (open REST clients share one).
struct UpdateLimiter {
    enum Key: Hashable {
        case token([UInt8])
        case connection(ObjectIdentifier)
        case openREST
    }

    let rate: Double
    let burst: Double
    private var buckets: [Key: TokenBucket] = [:]

    init(rate: Int, burst: Int) {
        self.rate = Double(rate)
        self.burst = Double(max(burst, 1))
    }

    var isOn: Bool { rate > 0 }

    /// Nil when the update may go; else `rate_limited`, with the seconds to wait.
    mutating func check(_ key: Key, at now: Moment, model: String?) -> RequestError? {
        guard isOn else { return nil }
        guard let wait = buckets[key, default: TokenBucket(rate: rate, burst: burst, at: now)].take(at: now) else { return nil }
        var error = RequestError(.rateLimited, "more than \(Int(rate)) updates per second (burst \(Int(burst))): this update was not applied; retry in \(Int(wait * 1000) + 1) ms", model: model)
        error.retryAfter = Int(wait.rounded(.up))
        return error
    }

    /// A connection closed: its bucket goes.
    mutating func forget(_ key: Key) { buckets[key] = nil }
}
