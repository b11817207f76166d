import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// The small MIPs' optima, proven by HiGHS (Tests/mip/test_mip_highs.py checks them again) and,
/// for the knapsack, by hand: items 0, 1, 4 and 5 fill the capacity of 11 for 36.
let smallOptima: [(name: String, status: SolveStatus, objective: Double)] = [
    ("knapsack", .optimal, 36), ("facility", .optimal, 446), ("setcover", .optimal, 20),
    ("lotsizing", .optimal, 1070), ("infeasible", .infeasible, 0),
]

@Suite struct CbcSolverTests {
    @Test(arguments: ModelFormat.allCases)
    func smallMIPsSolveToTheirKnownOptima(format: ModelFormat) throws {
        for known in smallOptima {
            let model = try TestData.smallMIP(known.name, format)
            let solver = try ModelSolver(program: model.program)
            #expect(solver.isInteger)
            let result = solver.solve(limits: SolveLimits(mipGap: 0))
            #expect(result.status == known.status, "\(known.name)")
            #expect(result.algorithm == .branchAndCut)
            let mip = try #require(result.mip)
            #expect(mip.isFinal)
            guard known.status == .optimal else { continue }
            #expect(abs(result.objective - known.objective) <= 1e-9, "\(known.name)")
            #expect(mip.gap(objective: result.objective) <= 1e-9)
            for col in 0..<model.columnCount where model.program.isInteger[col] {
                #expect(result.values[col] == result.values[col].rounded(), "\(model.columns[col])")
            }
            // Row activities are the incumbent's: A x.
            let activities = product(model.program.matrix, result.values)
            for row in 0..<model.rowCount { #expect(abs(activities[row] - result.rowActivities[row]) <= 1e-9) }
        }
    }

    /// A price feed through one solver: each solve starts from the last incumbent (an objective
    /// change leaves it feasible) and ends within the gap of HiGHS's optimum.
    @Test func aPriceFeedSolvesWarmFromTheIncumbentToEveryOptimum() throws {
        let model = try TestData.mipModel("knapsack30")
        let stream = try TestData.mipStream("knapsack30")
        let solver = try CbcSolver(program: model.program)
        let gap = 1e-4
        #expect(solver.solve(limits: SolveLimits(mipGap: gap)).status == .optimal)
        let resolver = UpdateResolver(model: model)
        for step in stream.steps.prefix(8) {
            let result = solver.resolve(applying: try resolver.resolve(step.update), limits: SolveLimits(mipGap: gap))
            #expect(result.status == .optimal)
            #expect(result.isWarmStart)
            // Maximising: the optimum is at most `gap` above what was found.
            #expect(result.objective <= step.expect + 1e-9 && result.objective >= step.expect * (1 - gap) - 1e-9)
        }
    }

    /// A bound change that cuts the incumbent off: no start from it, and the answer is a cold solve's.
    @Test func anIncumbentTheChangeCutsOffIsNotUsed() throws {
        let model = try TestData.smallMIP("knapsack", .lp)
        let solver = try CbcSolver(program: model.program)
        let first = solver.solve(limits: SolveLimits(mipGap: 0))
        let taken = try #require((0..<model.columnCount).first { first.values[$0] == 1 })
        var delta = ModelDelta()
        delta.columnUpper[Int32(taken)] = 0
        let warm = solver.resolve(applying: delta, limits: SolveLimits(mipGap: 0))
        #expect(!warm.isWarmStart)
        var changed = model.program
        changed.apply(delta)
        let cold = try CbcSolver(program: changed).solve(limits: SolveLimits(mipGap: 0))
        #expect(warm.status == .optimal && cold.status == .optimal && warm.objective == cold.objective)
        #expect(warm.objective < first.objective)
        // And an objective change afterwards starts from the new incumbent.
        var prices = ModelDelta()
        prices.objective[Int32((taken + 1) % model.columnCount)] = 12
        #expect(solver.resolve(applying: prices, limits: SolveLimits(mipGap: 0)).isWarmStart)
    }

    /// A long solve reports its incumbents as it goes, improving, and stops when asked.
    @Test func progressShowsImprovingIncumbentsAndCanStopTheSolve() throws {
        let model = try TestData.mipModel("knapsack40")
        let solver = try CbcSolver(program: model.program)
        var shown: [Double] = []
        var calls = 0
        let stopped = solver.resolveInPlace(applying: ModelDelta(), limits: SolveLimits(mipGap: 0)) { progress in
            calls += 1
            if let progress, progress.isNewIncumbent {
                #expect(progress.outcome.status == .feasible && progress.outcome.mip?.isFinal == false)
                shown.append(progress.outcome.objective)
            }
            return shown.count >= 2
        }
        #expect(calls > 0)
        #expect(shown.count == 2)
        #expect(shown[1] > shown[0])  // maximising: each incumbent better than the last
        #expect(stopped.status == .feasible)
        #expect(stopped.objective >= shown[1])
        let bound = try #require(stopped.mip?.bound)
        #expect(bound >= stopped.objective)
        // Solved again to the end, from the incumbent it stopped at.
        let finished = solver.resolve(applying: ModelDelta(), limits: SolveLimits(mipGap: 0))
        #expect(finished.status == .optimal && finished.isWarmStart && finished.objective == 1322)
    }

    /// A time limit stops the search: `feasible` with an incumbent, `time_limit` without one
    /// (how far CBC got in the time depends on the machine).
    @Test func aTimeLimitEndsFeasibleWithAnIncumbentAndTimeLimitWithout() throws {
        let model = try TestData.mipModel("knapsack40")
        let result = try CbcSolver(program: model.program).solve(limits: SolveLimits(seconds: 0.2, mipGap: 0))
        let mip = try #require(result.mip)
        switch result.status {
        case .feasible:
            #expect(result.objective > 0 && result.objective <= 1322 && mip.bound >= 1322 - 1e-6)
        case .timeLimit:
            #expect(result.values.allSatisfy { $0 == 0 })
        default:
            Issue.record("status \(result.status) after a time limit that stops the proof")
        }
    }
}

/// A x for a column-major matrix.
private func product(_ matrix: SparseMatrix, _ x: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: matrix.rowCount)
    for col in 0..<matrix.columnCount {
        for k in Int(matrix.columnStarts[col])..<Int(matrix.columnStarts[col + 1]) {
            out[Int(matrix.rowIndices[k])] += matrix.values[k] * x[col]
        }
    }
    return out
}
