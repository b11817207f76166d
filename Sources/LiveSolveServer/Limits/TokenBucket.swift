import LiveSolveCoordination

/// A token bucket: `rate` updates per second on average, up to `burst` at once.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private var level: Double
    private var updated: Moment

    init(rate: Double, burst: Double, at now: Moment) {
        (self.rate, self.burst, self.level, self.updated) = (rate, burst, burst, now)
    }

    /// Takes one update if the bucket has it; else the seconds until it will.
    mutating func take(at now: Moment) -> Double? {
        let elapsed = Double(now.nanoseconds &- updated.nanoseconds) / 1e9
        level = min(burst, level + max(0, elapsed) * rate)
        updated = now
        guard level >= 1 else { return (1 - level) / rate }
        level -= 1
        return nil
    }
}
