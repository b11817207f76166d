import CbcBridge
import LiveSolveModel

/// CBC's branch and cut behind `Solver`, for programs with integer columns.
///
/// The program is held as a minimisation (a `max` objective negated), as `ClpSolver` holds it.
/// Every solve after the first starts from the previous incumbent when that still satisfies
/// the changed program (the bridge checks bounds, rows and integrality), and from the previous
/// root LP basis. Duals and reduced costs do not exist for an integer program: `vectors` gives
/// zeros for them, and the server never sends them.
///
/// Not thread-safe: one solver belongs to one thread.
public final class CbcSolver: Solver {
    private let bridge: OpaquePointer
    private var program: LinearProgram
    /// Zeros standing for the duals and reduced costs an integer program does not have.
    private let zeros: UnsafeMutableBufferPointer<Double>
    private var sign: Double { program.sense == .max ? -1 : 1 }

    public init(program: LinearProgram, basis: Basis? = nil) throws(SolverError) {
        if let basis, basis.statuses.count != program.columnCount + program.rowCount {
            throw SolverError("basis has \(basis.statuses.count) entries, expected \(program.columnCount + program.rowCount)")
        }
        self.program = program
        zeros = .allocate(capacity: max(program.rowCount, program.columnCount))
        zeros.initialize(repeating: 0)
        bridge = cbcb_create()
        let sign = program.sense == .max ? -1.0 : 1.0
        let objective = program.objective.map { sign * $0 }
        let integers = program.isInteger.map { UInt8($0 ? 1 : 0) }
        let matrix = program.matrix
        matrix.columnStarts.withUnsafeBufferPointer { starts in
            matrix.rowIndices.withUnsafeBufferPointer { rows in
                cbcb_load(bridge, Int32(program.rowCount), Int32(program.columnCount),
                          starts.baseAddress, rows.baseAddress, matrix.values, program.columnLower,
                          program.columnUpper, objective, program.rowLower, program.rowUpper, integers)
            }
        }
        if let basis { basis.statuses.withUnsafeBufferPointer { cbcb_set_basis(bridge, $0.baseAddress) } }
    }

    deinit {
        cbcb_free(bridge)
        zeros.deallocate()
    }

    public func basis() -> Basis {
        var statuses = [UInt8](repeating: 0, count: program.columnCount + program.rowCount)
        statuses.withUnsafeMutableBufferPointer { cbcb_get_basis(bridge, $0.baseAddress) }
        return Basis(statuses: statuses)
    }

    public func solve(limits: SolveLimits = SolveLimits()) -> SolveResult {
        result(of: resolveInPlace(applying: ModelDelta(), limits: limits))
    }

    public func resolve(applying delta: ModelDelta, limits: SolveLimits = SolveLimits()) -> SolveResult {
        result(of: resolveInPlace(applying: delta, limits: limits))
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits = SolveLimits()) -> SolveOutcome {
        resolveInPlace(applying: delta, limits: limits) { _ in false }
    }

    public func resolveInPlace(applying delta: some DeltaSource, limits: SolveLimits,
                               progress: (SolveProgress?) -> Bool) -> SolveOutcome {
        let start = monotonicMicros()
        apply(delta)
        return withoutActuallyEscaping(progress) { progress in
            let listener = ProgressListener(solver: self, start: start, report: progress)
            let context = Unmanaged.passUnretained(listener).toOpaque()
            let outcome = cbcb_solve(bridge, limits.seconds ?? 0, limits.mipGap, 1, { context, progress in
                guard let context, let progress else { return 0 }
                return Unmanaged<ProgressListener>.fromOpaque(context).takeUnretainedValue().heard(progress.pointee) ? 1 : 0
            }, context)
            return self.outcome(of: outcome, since: start)
        }
    }

    public var vectors: SolutionVectors {
        let rows = program.rowCount, cols = program.columnCount
        return SolutionVectors(
            values: UnsafeBufferPointer(start: cbcb_col_values(bridge), count: cols),
            duals: UnsafeBufferPointer(rebasing: zeros[..<rows]), reducedCosts: UnsafeBufferPointer(rebasing: zeros[..<cols]),
            rowActivities: UnsafeBufferPointer(start: cbcb_row_activities(bridge), count: rows), dualSign: 1)
    }

    public func writeBasis(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count == program.columnCount + program.rowCount)
        cbcb_get_basis(bridge, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self))
    }

    private func apply(_ delta: some DeltaSource) {
        let (bridge, sign) = (self.bridge, self.sign)
        LiveSolveSolver.apply(delta, to: &program, sign: sign,
                              objective: { cbcb_set_objective(bridge, $0, $1) },
                              columnBounds: { cbcb_set_col_bounds(bridge, $0, $1, $2) },
                              rowBounds: { cbcb_set_row_bounds(bridge, $0, $1, $2) },
                              coefficient: { cbcb_set_coefficient(bridge, $0, $1, $2) })
    }

    /// An objective or bound in CBC's minimising sense, in the model's, with its constant.
    fileprivate func modelSense(_ value: Double) -> Double {
        value.magnitude >= 1e30 ? sign * value * .infinity : sign * value + program.objectiveConstant
    }

    private func outcome(of result: CbcBridgeResult, since start: Int) -> SolveOutcome {
        let status: SolveStatus
        var message: String?
        switch Int(result.status) {
        case Int(CBCB_OPTIMAL.rawValue): status = .optimal
        case Int(CBCB_INFEASIBLE.rawValue): status = .infeasible
        case Int(CBCB_UNBOUNDED.rawValue): status = .unbounded
        case Int(CBCB_STOPPED.rawValue): status = result.hasIncumbent != 0 ? .feasible : .timeLimit
        default:
            status = .error
            message = "CBC could not solve the root LP relaxation"
        }
        let stats = MIPStats(isFinal: true, bound: modelSense(result.bound), nodes: Int(result.nodes), incumbents: Int(result.incumbents))
        return SolveOutcome(
            status: status, message: message, objective: result.hasIncumbent != 0 ? modelSense(result.objective) : 0,
            iterations: Int(result.iterations), algorithm: .branchAndCut, isWarmStart: result.startUsed != 0,
            solveMicros: monotonicMicros() - start, mip: stats)
    }

    fileprivate func progress(_ heard: CbcBridgeProgress, since start: Int) -> SolveProgress? {
        guard heard.hasIncumbent != 0, let values = heard.values, let rows = heard.rowActivities else { return nil }
        let stats = MIPStats(isFinal: false, bound: modelSense(heard.bound), nodes: Int(heard.nodes), incumbents: Int(heard.incumbents))
        let outcome = SolveOutcome(
            status: .feasible, message: nil, objective: modelSense(heard.objective), iterations: 0, algorithm: .branchAndCut,
            isWarmStart: heard.startUsed != 0, solveMicros: monotonicMicros() - start, mip: stats)
        return SolveProgress(
            outcome: outcome, isNewIncumbent: heard.isNewIncumbent != 0,
            values: UnsafeBufferPointer(start: values, count: program.columnCount),
            rowActivities: UnsafeBufferPointer(start: rows, count: program.rowCount))
    }

    /// The outcome with copies of its vectors.
    private func result(of outcome: SolveOutcome) -> SolveResult {
        let v = vectors
        return SolveResult(outcome: outcome, values: Array(v.values), duals: [], reducedCosts: [], rowActivities: Array(v.rowActivities))
    }
}

/// What CBC's callback reaches through its context pointer: the solver and the caller's closure.
private final class ProgressListener {
    let solver: CbcSolver
    let start: Int
    let report: (SolveProgress?) -> Bool

    init(solver: CbcSolver, start: Int, report: @escaping (SolveProgress?) -> Bool) {
        (self.solver, self.start, self.report) = (solver, start, report)
    }

    func heard(_ progress: CbcBridgeProgress) -> Bool { report(solver.progress(progress, since: start)) }
}
