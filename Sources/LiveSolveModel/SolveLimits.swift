/// Limits for one solve; nil means none.
public struct SolveLimits: Sendable, Equatable {
    public var seconds: Double?
    public var iterations: Int?
    public init(seconds: Double? = nil, iterations: Int? = nil) {
        self.seconds = seconds
        self.iterations = iterations
    }
}
