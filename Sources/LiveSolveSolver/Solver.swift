import LiveSolveModel

/// A solver holding one loaded program, re-solving it warm as deltas arrive: `ClpSolver` for
/// linear programs, `CbcSolver` for integer ones, `ModelSolver` choosing between them.
public protocol Solver {
    /// Loads `program`, optionally with a basis to start the first solve from.
    init(program: LinearProgram, basis: Basis?) throws(SolverError)
    /// Solves from the current state: cold the first time (unless a basis was given), warm after.
    mutating func solve(limits: SolveLimits) -> SolveResult
    /// Applies a delta and re-solves warm, choosing the algorithm by what changed.
    mutating func resolve(applying delta: ModelDelta, limits: SolveLimits) -> SolveResult
    /// The current basis, for continuing in another process.
    func basis() -> Basis

    // The worker's hot path: a delta read in place from its frame, and the answer written from
    // the solver's own vectors, with no arrays built in between.

    /// `resolve` leaving the solution in the solver, for a caller that reads it once, through `vectors`.
    mutating func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits) -> SolveOutcome
    /// `resolveInPlace` calling `progress` at the solver's events while the solve runs (integer
    /// models only), with the best incumbent so far or nil before there is one; `progress`
    /// returns true to stop the solve there.
    mutating func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits,
                                 progress: (SolveProgress?) -> Bool) -> SolveOutcome
    /// The same with a linear model's simplex chosen (`algorithm`, nil: by the delta) and, when
    /// `stoppable`, `progress(nil)` asked after every iteration whether to stop.
    mutating func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits, algorithm: Algorithm?, stoppable: Bool,
                                 progress: (SolveProgress?) -> Bool) -> SolveOutcome
    /// Starts the next solve from `basis` (a race's winner's); false when it does not fit or
    /// the solver keeps none.
    mutating func adopt(_ basis: Basis) -> Bool
    /// The last solve's vectors where the solver keeps them: valid until the solver next changes.
    var vectors: SolutionVectors { get }
    /// The basis's statuses written into `buffer`, which holds columns + rows bytes.
    func writeBasis(into buffer: UnsafeMutableRawBufferPointer)
    /// The stability bands of the last solve's basis, the rows' too when `rows` (else their
    /// lanes are empty); nil when it did not end optimal or the solver has none (an integer model).
    mutating func stabilityBands(rows: Bool) -> StabilityBands?
}

extension Solver {
    public mutating func stabilityBands(rows: Bool) -> StabilityBands? { nil }

    public mutating func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits, algorithm: Algorithm?, stoppable: Bool,
                                        progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        resolveInPlace(applying: delta, limits: limits, progress: progress)
    }

    public mutating func adopt(_ basis: Basis) -> Bool { false }
}

/// PROTOCOL.md's `costRanges` and `rhsRanges` in the model's sense: per column the interval of
/// its objective coefficient over which the basis stays optimal, per row the interval of its
/// active bound over which the basis stays feasible. Infinite for an unbounded side; NaN on
/// both sides for a row with no active bound.
public struct StabilityBands: Sendable, Equatable {
    public var costDown: [Double]
    public var costUp: [Double]
    public var rhsDown: [Double]
    public var rhsUp: [Double]

    public init(costDown: [Double], costUp: [Double], rhsDown: [Double], rhsUp: [Double]) {
        (self.costDown, self.costUp, self.rhsDown, self.rhsUp) = (costDown, costUp, rhsDown, rhsUp)
    }

    public static func == (a: Self, b: Self) -> Bool {
        func same(_ x: [Double], _ y: [Double]) -> Bool { x.map(\.bitPattern) == y.map(\.bitPattern) }
        return same(a.costDown, b.costDown) && same(a.costUp, b.costUp) && same(a.rhsDown, b.rhsDown) && same(a.rhsUp, b.rhsUp)
    }
}

extension Solver {
    /// A linear program's solve is short and shows nothing while it runs.
    public mutating func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits,
                                        progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        resolveInPlace(applying: delta, limits: limits)
    }
}

/// What a running solve shows: its best incumbent so far, valid only during the call.
public struct SolveProgress {
    /// Status `feasible`, with `mip.isFinal` false.
    public var outcome: SolveOutcome
    /// Whether the incumbent is new since the last call (else only the bound moved).
    public var isNewIncumbent: Bool
    public var values: UnsafeBufferPointer<Double>
    public var rowActivities: UnsafeBufferPointer<Double>
}

/// A solver's solution vectors in place. Duals and reduced costs are those of the solver's
/// minimisation: times `dualSign` they are the model's (−1 for a `max` model).
public struct SolutionVectors {
    public var values: UnsafeBufferPointer<Double>
    public var duals: UnsafeBufferPointer<Double>
    public var reducedCosts: UnsafeBufferPointer<Double>
    public var rowActivities: UnsafeBufferPointer<Double>
    public var dualSign: Double

    public init(values: UnsafeBufferPointer<Double>, duals: UnsafeBufferPointer<Double>, reducedCosts: UnsafeBufferPointer<Double>,
                rowActivities: UnsafeBufferPointer<Double>, dualSign: Double) {
        (self.values, self.duals, self.reducedCosts, self.rowActivities, self.dualSign) = (values, duals, reducedCosts, rowActivities, dualSign)
    }
}

/// Why a program cannot be loaded.
public struct SolverError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Applies a delta to a solver's copy of the program and, entry by entry, to the solver itself
/// (through CLP's or CBC's bridge): each objective coefficient times `sign` (the solver
/// minimises), each bound with the other bound of its column or row, each coefficient as given.
/// A column or row given both bounds is set twice, which is cheaper than collecting the
/// touched indices first.
func apply(_ delta: some DeltaSource, to program: inout LinearProgram, sign: Double,
           objective: (Int32, Double) -> Void, columnBounds: (Int32, Double, Double) -> Void,
           rowBounds: (Int32, Double, Double) -> Void, coefficient: (Int32, Int32, Double) -> Void) {
    program.apply(delta)
    delta.forEachObjective { col, _ in objective(col, sign * program.objective[Int(col)]) }
    delta.forEachColumnLower { col, _ in columnBounds(col, program.columnLower[Int(col)], program.columnUpper[Int(col)]) }
    delta.forEachColumnUpper { col, _ in columnBounds(col, program.columnLower[Int(col)], program.columnUpper[Int(col)]) }
    delta.forEachRowLower { row, _ in rowBounds(row, program.rowLower[Int(row)], program.rowUpper[Int(row)]) }
    delta.forEachRowUpper { row, _ in rowBounds(row, program.rowLower[Int(row)], program.rowUpper[Int(row)]) }
    delta.forEachCoefficient(coefficient)
}
