/// How a solve ended, spelled as on the wire.
public enum SolveStatus: String, Sendable, Equatable, CaseIterable {
    case optimal, infeasible, unbounded
    case timeLimit = "time_limit"
    case iterationLimit = "iteration_limit"
    case error

    /// Whether the solve has a point worth reporting.
    public var hasSolution: Bool { self == .optimal || self == .timeLimit || self == .iterationLimit }
}

/// Which simplex ran.
public enum Algorithm: String, Sendable, Equatable {
    /// Presolve and solve from scratch.
    case cold
    case primal
    case dual
}

/// The solver's basis: one status byte per column, then one per row. Opaque outside the solver;
/// it travels between processes so a model can continue warm elsewhere.
public struct Basis: Sendable, Equatable {
    public var statuses: [UInt8]
    public init(statuses: [UInt8]) { self.statuses = statuses }
}

/// Limits for one solve; nil means none.
public struct SolveLimits: Sendable, Equatable {
    public var seconds: Double?
    public var iterations: Int?
    public init(seconds: Double? = nil, iterations: Int? = nil) {
        self.seconds = seconds
        self.iterations = iterations
    }
}

/// A solve's outcome without its vectors, which stay with the solver (`ClpSolver.vectors`).
public struct SolveOutcome: Sendable, Equatable {
    public var status: SolveStatus
    /// Present with a message when `status` is `.error`.
    public var message: String?
    /// Including the model's objective constant.
    public var objective: Double
    public var iterations: Int
    public var algorithm: Algorithm
    public var isWarmStart: Bool
    public var solveMicros: Int

    public init(status: SolveStatus, message: String?, objective: Double, iterations: Int, algorithm: Algorithm,
                isWarmStart: Bool, solveMicros: Int) {
        self.status = status
        self.message = message
        self.objective = objective
        self.iterations = iterations
        self.algorithm = algorithm
        self.isWarmStart = isWarmStart
        self.solveMicros = solveMicros
    }
}

/// The outcome of one solve, in the model's own sense (signs as PROTOCOL.md states): its
/// outcome's fields (`result.status`, `result.objective`…) and its vectors.
@dynamicMemberLookup
public struct SolveResult: Sendable, Equatable {
    public var outcome: SolveOutcome
    public var values: [Double]
    public var duals: [Double]
    public var reducedCosts: [Double]
    public var rowActivities: [Double]

    public init(outcome: SolveOutcome, values: [Double], duals: [Double], reducedCosts: [Double], rowActivities: [Double]) {
        self.outcome = outcome
        self.values = values
        self.duals = duals
        self.reducedCosts = reducedCosts
        self.rowActivities = rowActivities
    }

    public subscript<T>(dynamicMember field: KeyPath<SolveOutcome, T>) -> T { outcome[keyPath: field] }
}
