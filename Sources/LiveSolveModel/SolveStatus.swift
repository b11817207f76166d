/// How a solve ended, spelled as on the wire.
public enum SolveStatus: String, Sendable, Equatable, CaseIterable {
    case optimal, infeasible, unbounded
    case timeLimit = "time_limit"
    case iterationLimit = "iteration_limit"
    case error

    /// Whether the solve has a point worth reporting.
    public var hasSolution: Bool { self == .optimal || self == .timeLimit || self == .iterationLimit }
}
