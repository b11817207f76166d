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
    /// How long computing the stability bands took after the solve (0 when none were asked for).
    public var bandsMicros = 0
    /// The solve's own CPU time (0 when not measured): unlike `solveMicros`, it does not grow
    /// while the machine is busy with other work, so strategies compare fairly on it.
    public var cpuMicros = 0
    /// What branch and cut adds, for an integer model; nil for a linear one.
    public var mip: MIPStats?

    public init(status: SolveStatus, message: String?, objective: Double, iterations: Int, algorithm: Algorithm,
                isWarmStart: Bool, solveMicros: Int, mip: MIPStats? = nil) {
        self.status = status
        self.message = message
        self.objective = objective
        self.iterations = iterations
        self.algorithm = algorithm
        self.isWarmStart = isWarmStart
        self.solveMicros = solveMicros
        self.mip = mip
    }
}

/// An integer model's solve as PROTOCOL.md's "Integer models" reports it.
public struct MIPStats: Sendable, Equatable {
    /// False for an improving incumbent sent while the solve runs.
    public var isFinal: Bool
    /// The best proven bound on the objective, in the model's sense, with its constant.
    public var bound: Double
    public var nodes: Int
    /// Improving incumbents found in this solve.
    public var incumbents: Int

    public init(isFinal: Bool, bound: Double, nodes: Int, incumbents: Int) {
        (self.isFinal, self.bound, self.nodes, self.incumbents) = (isFinal, bound, nodes, incumbents)
    }

    /// |objective − bound| / max(1e-10, |objective|).
    public func gap(objective: Double) -> Double {
        guard bound.isFinite else { return .infinity }
        return abs(objective - bound) / max(1e-10, abs(objective))
    }
}
