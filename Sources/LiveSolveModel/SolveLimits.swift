/// Limits for one solve; nil means none.
public struct SolveLimits: Sendable, Equatable {
    public var seconds: Double?
    public var iterations: Int?
    /// The relative gap at which branch and cut stops (`solve.mipGap`).
    public var mipGap: Double
    /// The least time between two incumbents sent while a solve runs (`solve.incumbentMillis`).
    public var incumbentMillis: Int

    public init(seconds: Double? = nil, iterations: Int? = nil, mipGap: Double = 1e-4, incumbentMillis: Int = 100) {
        self.seconds = seconds
        self.iterations = iterations
        self.mipGap = mipGap
        self.incumbentMillis = incumbentMillis
    }
}
