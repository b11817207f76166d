import LiveSolveModel

/// A solver holding one loaded program, re-solving it warm as deltas arrive.
/// CLP is the implementation today; CBC for integer models would be another.
public protocol Solver {
    /// Loads `program`, optionally with a basis to start the first solve from.
    init(program: LinearProgram, basis: Basis?) throws(SolverError)
    /// Solves from the current state: cold the first time (unless a basis was given), warm after.
    mutating func solve(limits: SolveLimits) -> SolveResult
    /// Applies a delta and re-solves warm, choosing the algorithm by what changed.
    mutating func resolve(applying delta: ModelDelta, limits: SolveLimits) -> SolveResult
    /// The current basis, for continuing in another process.
    func basis() -> Basis
}

/// Why a program cannot be loaded.
public struct SolverError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
