/// How a solve ended, spelled as on the wire.
public enum SolveStatus: String, Sendable, Equatable, CaseIterable {
    case optimal, infeasible, unbounded
    /// An integer model's incumbent whose optimality is not proven: a limit or a newer update
    /// stopped the solve, or it is still running.
    case feasible
    case timeLimit = "time_limit"
    case iterationLimit = "iteration_limit"
    case error

    /// Whether the solve has a point worth reporting.
    public var hasSolution: Bool { self == .optimal || self == .feasible || self == .timeLimit || self == .iterationLimit }

    /// Whether the solve ran to its end: an optimum, or a proof of infeasibility or unboundedness.
    public var isConclusive: Bool { self == .optimal || self == .infeasible || self == .unbounded }
}
