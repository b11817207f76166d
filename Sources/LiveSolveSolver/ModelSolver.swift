import LiveSolveModel

/// The solver a program needs: CLP for a linear program, CBC for one with an integer column.
/// What a worker holds for each model.
public enum ModelSolver: Solver {
    case linear(ClpSolver)
    case integer(CbcSolver)

    public init(program: LinearProgram, basis: Basis? = nil) throws(SolverError) {
        self = program.integerCount > 0
            ? .integer(try CbcSolver(program: program, basis: basis))
            : .linear(try ClpSolver(program: program, basis: basis))
    }

    private var solver: any Solver {
        switch self {
        case .linear(let s): s
        case .integer(let s): s
        }
    }

    // Both cases are classes: a mutating call changes the object, never the enum.

    public func solve(limits: SolveLimits) -> SolveResult {
        switch self {
        case .linear(let s): s.solve(limits: limits)
        case .integer(let s): s.solve(limits: limits)
        }
    }

    public func resolve(applying delta: ModelDelta, limits: SolveLimits) -> SolveResult {
        switch self {
        case .linear(let s): s.resolve(applying: delta, limits: limits)
        case .integer(let s): s.resolve(applying: delta, limits: limits)
        }
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits) -> SolveOutcome {
        switch self {
        case .linear(let s): s.resolveInPlace(applying: delta, limits: limits)
        case .integer(let s): s.resolveInPlace(applying: delta, limits: limits)
        }
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits,
                               progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        resolveInPlace(applying: delta, limits: limits, algorithm: nil, stoppable: false, progress: progress)
    }

    /// `algorithm` picks a linear model's simplex (nil: by the delta); `stoppable` lets a linear
    /// solve be stopped through `progress(nil)` too, which costs a call per iteration. An
    /// integer model's `progress` gets its incumbents and may stop it either way.
    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits, algorithm: Algorithm?, stoppable: Bool,
                               progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        switch self {
        case .linear(let s): return s.resolveInPlace(applying: delta, limits: limits, algorithm: algorithm, stoppable: stoppable, progress: progress)
        case .integer(let s): return s.resolveInPlace(applying: delta, limits: limits, progress: progress)
        }
    }

    /// Starts the next solve from `basis` (a raced solve's winner's); false when it does not fit.
    public func adopt(_ basis: Basis) -> Bool {
        if case .linear(let s) = self { return s.adopt(basis) }
        return false
    }

    public func basis() -> Basis { solver.basis() }
    public var vectors: SolutionVectors { solver.vectors }
    public func writeBasis(into buffer: UnsafeMutableRawBufferPointer) { solver.writeBasis(into: buffer) }

    public func stabilityBands(rows: Bool) -> StabilityBands? {
        if case .linear(let s) = self { s.stabilityBands(rows: rows) } else { nil }
    }

    /// Whether it is an integer model's solver.
    public var isInteger: Bool { if case .integer = self { true } else { false } }
}
