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
        switch self {
        case .linear(let s): s.resolveInPlace(applying: delta, limits: limits)
        case .integer(let s): s.resolveInPlace(applying: delta, limits: limits, progress: progress)
        }
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
