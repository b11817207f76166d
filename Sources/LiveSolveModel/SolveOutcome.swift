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
