import ClpBridge
import LiveSolveModel

#if canImport(Glibc)
import Glibc
#endif

/// CLP behind `Solver`, through the C++ bridge that keeps the factorization between re-solves.
///
/// The program is given to CLP as a minimisation (a `max` objective negated), so CLP's duals
/// and reduced costs are negated back for `max` models. Warm re-solves choose by what changed:
/// objective only → primal (the old basis stays primal feasible); bounds only → dual (it stays
/// dual feasible); objective and bounds → primal; matrix → primal after refactorizing, since a
/// kept factorization would belong to the old matrix.
///
/// Not thread-safe: one solver belongs to one thread (a worker process is single-threaded).
public final class ClpSolver: Solver {
    private let bridge: OpaquePointer
    private var program: LinearProgram
    /// Whether CLP holds a basis to start from (after a solve, or an imported basis).
    private var hasBasis = false
    private var sign: Double { program.sense == .max ? -1 : 1 }

    public init(program: LinearProgram, basis: Basis? = nil) throws(SolverError) {
        guard program.integerCount == 0 else {
            throw SolverError("the model has \(program.integerCount) integer variables: CLP solves linear programs, CbcSolver integer ones")
        }
        if let basis, basis.statuses.count != program.columnCount + program.rowCount {
            throw SolverError("basis has \(basis.statuses.count) entries, expected \(program.columnCount + program.rowCount)")
        }
        self.program = program
        bridge = clpb_create()
        let sign = program.sense == .max ? -1.0 : 1.0
        let objective = program.objective.map { sign * $0 }
        let matrix = program.matrix
        matrix.columnStarts.withUnsafeBufferPointer { starts in
            matrix.rowIndices.withUnsafeBufferPointer { rows in
                clpb_load(bridge, Int32(program.rowCount), Int32(program.columnCount),
                          starts.baseAddress, rows.baseAddress, matrix.values, program.columnLower,
                          program.columnUpper, objective, program.rowLower, program.rowUpper)
            }
        }
        if let basis {
            basis.statuses.withUnsafeBufferPointer { clpb_set_basis(bridge, $0.baseAddress) }
            hasBasis = true
        }
    }

    deinit { clpb_free(bridge) }

    public func basis() -> Basis {
        var statuses = [UInt8](repeating: 0, count: program.columnCount + program.rowCount)
        statuses.withUnsafeMutableBufferPointer { clpb_get_basis(bridge, $0.baseAddress) }
        return Basis(statuses: statuses)
    }

    public func solve(limits: SolveLimits = SolveLimits()) -> SolveResult {
        let start = monotonicMicros()
        return result(of: run(hasBasis ? .primal : .cold, limits: limits, since: start))
    }

    public func resolve(applying delta: ModelDelta, limits: SolveLimits = SolveLimits()) -> SolveResult {
        result(of: resolveInPlace(applying: delta, limits: limits))
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits = SolveLimits()) -> SolveOutcome {
        resolveInPlace(applying: delta, limits: limits, algorithm: nil)
    }

    /// `algorithm`: primal, dual or cold as asked (nil: by what the delta changes); with no
    /// basis yet, cold whatever is asked.
    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits = SolveLimits(), algorithm: Algorithm?) -> SolveOutcome {
        let start = monotonicMicros()
        apply(delta)
        return run(chosen(algorithm, for: delta), limits: limits, since: start)
    }

    /// The same, asking `stop` after every iteration: true ends the solve early (status
    /// `error`, "stopped").
    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits = SolveLimits(), algorithm: Algorithm?,
                               stop: () -> Bool) -> SolveOutcome {
        let start = monotonicMicros()
        apply(delta)
        let algorithm = chosen(algorithm, for: delta)
        return withoutActuallyEscaping(stop) { stop in
            let check = StopCheck(stop)
            clpb_set_stop(bridge, { context in
                Unmanaged<StopCheck>.fromOpaque(context!).takeUnretainedValue().shouldStop() ? 1 : 0
            }, Unmanaged.passUnretained(check).toOpaque())
            defer { clpb_set_stop(bridge, nil, nil) }
            return withExtendedLifetime(check) { run(algorithm, limits: limits, since: start) }
        }
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits, algorithm: Algorithm?, stoppable: Bool,
                               progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        guard stoppable else { return resolveInPlace(applying: delta, limits: limits, algorithm: algorithm) }
        return resolveInPlace(applying: delta, limits: limits, algorithm: algorithm) { progress(nil) }
    }

    private func chosen(_ algorithm: Algorithm?, for delta: some DeltaSource) -> Algorithm {
        switch (hasBasis, algorithm) {
        case (false, _): .cold
        case (true, .primal?), (true, .dual?), (true, .cold?), (true, .barrier?): algorithm!
        case (true, _): delta.kind == .bounds ? .dual : .primal
        }
    }

    public var vectors: SolutionVectors {
        let rows = Int(clpb_rows(bridge)), cols = Int(clpb_cols(bridge))
        return SolutionVectors(
            values: UnsafeBufferPointer(start: clpb_col_values(bridge), count: cols),
            duals: UnsafeBufferPointer(start: clpb_row_duals(bridge), count: rows),
            reducedCosts: UnsafeBufferPointer(start: clpb_reduced_costs(bridge), count: cols),
            rowActivities: UnsafeBufferPointer(start: clpb_row_activities(bridge), count: rows),
            dualSign: sign)
    }

    /// Starts the next solve from `basis`; false (and nothing changed) when it does not fit.
    public func adopt(_ basis: Basis) -> Bool {
        guard basis.statuses.count == program.columnCount + program.rowCount else { return false }
        basis.statuses.withUnsafeBufferPointer { clpb_set_basis(bridge, $0.baseAddress) }
        hasBasis = true
        return true
    }

    public func writeBasis(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count == program.columnCount + program.rowCount)
        clpb_get_basis(bridge, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self))
    }

    public func stabilityBands() -> StabilityBands? { stabilityBands(rows: true) }

    public func stabilityBands(rows wantsRows: Bool) -> StabilityBands? {
        let (cols, rows) = (program.columnCount, wantsRows ? program.rowCount : 0)
        var bands = StabilityBands(costDown: Array(repeating: 0, count: cols), costUp: Array(repeating: 0, count: cols),
                                   rhsDown: Array(repeating: 0, count: rows), rhsUp: Array(repeating: 0, count: rows))
        let failed = wantsRows
            ? clpb_ranges(bridge, &bands.costDown, &bands.costUp, &bands.rhsDown, &bands.rhsUp) != 0
            : clpb_ranges(bridge, &bands.costDown, &bands.costUp, nil, nil) != 0
        guard !failed else { return nil }
        if sign < 0 {
            // CLP minimised the negated objective: its band [d, u] is the model's [-u, -d].
            (bands.costDown, bands.costUp) = (bands.costUp.map { -$0 }, bands.costDown.map { -$0 })
        }
        return bands
    }

    private func apply(_ delta: some DeltaSource) {
        let (bridge, sign) = (self.bridge, self.sign)
        LiveSolveSolver.apply(delta, to: &program, sign: sign,
                              objective: { clpb_set_objective(bridge, $0, $1) },
                              columnBounds: { clpb_set_col_bounds(bridge, $0, $1, $2) },
                              rowBounds: { clpb_set_row_bounds(bridge, $0, $1, $2) },
                              coefficient: { clpb_set_coefficient(bridge, $0, $1, $2) })
    }

    private func run(_ algorithm: Algorithm, limits: SolveLimits, since start: Int) -> SolveOutcome {
        let mode: Int32 = switch algorithm {
        case .cold, .branchAndCut, .ranging: Int32(CLPB_COLD.rawValue)
        case .barrier: Int32(CLPB_BARRIER.rawValue)
        case .primal: Int32(CLPB_PRIMAL.rawValue)
        case .dual: Int32(CLPB_DUAL.rawValue)
        }
        let cpuStart = threadCPUMicros()
        let outcome = clpb_solve(bridge, mode, limits.seconds ?? 0, Int32(clamping: limits.iterations ?? 0))
        let cpu = threadCPUMicros() - cpuStart
        hasBasis = true
        let micros = monotonicMicros() - start
        let (status, message) = Self.status(outcome)
        var solved = SolveOutcome(
            status: status, message: message, objective: sign * outcome.objective + program.objectiveConstant,
            iterations: Int(outcome.iterations), algorithm: algorithm, isWarmStart: algorithm != .cold && algorithm != .barrier,
            solveMicros: micros)
        solved.cpuMicros = max(cpu, 1)
        return solved
    }

    /// The outcome with copies of its vectors, duals and reduced costs in the model's sense.
    private func result(of outcome: SolveOutcome) -> SolveResult {
        let v = vectors
        return SolveResult(
            outcome: outcome, values: Array(v.values), duals: v.duals.map { v.dualSign * $0 },
            reducedCosts: v.reducedCosts.map { v.dualSign * $0 }, rowActivities: Array(v.rowActivities))
    }

    private static func status(_ outcome: ClpBridgeResult) -> (SolveStatus, String?) {
        switch outcome.status {
        case 0: return (.optimal, nil)
        case 1: return (.infeasible, nil)
        case 2: return (.unbounded, nil)
        case 3: return (outcome.secondaryStatus == 9 ? .timeLimit : .iterationLimit, nil)
        case 5: return (.error, "stopped")
        default:
            let why = Self.secondaryReasons[Int(outcome.secondaryStatus)].map { ": \($0)" } ?? ""
            return (.error, "CLP stopped with status \(outcome.status) (secondary \(outcome.secondaryStatus)\(why))")
        }
    }

    /// CLP's secondary statuses in words (`ClpModel::secondaryStatus`), for the `error` message.
    private static let secondaryReasons: [Int: String] = [
        1: "primal infeasible because the dual limit was reached",
        2: "scaled problem optimal, unscaled problem has primal infeasibilities",
        3: "scaled problem optimal, unscaled problem has dual infeasibilities",
        4: "scaled problem optimal, unscaled problem has primal and dual infeasibilities",
        5: "gave up in primal with flagged variables",
        6: "failed the empty problem check",
        7: "postsolve says not optimal",
        8: "failed the bad element check",
    ]
}

/// A stop callback where CLP's event handler can reach it.
private final class StopCheck {
    let shouldStop: () -> Bool
    init(_ shouldStop: @escaping () -> Bool) { self.shouldStop = shouldStop }
}

/// The calling thread's CPU time in microseconds.
func threadCPUMicros() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000
}

/// Microseconds on the monotonic clock.
public func monotonicMicros() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000
}
