import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// The simplex a re-solve runs when it is asked for one, stopping a linear solve, and a basis
/// taken over from another solver: what racing and the adaptive policy rely on.
struct StrategyTests {
    /// A bounds change on ship12l: every strategy asked for runs and reaches the same optimum.
    @Test(arguments: [Algorithm.primal, .dual, .cold, .barrier])
    func eachStrategyRunsAsAskedAndAgrees(algorithm: Algorithm) throws {
        let model = try TestData.netlibModel("ship12l")
        let reference = try ClpSolver(program: model.program)
        let solver = try ClpSolver(program: model.program)
        #expect(reference.solve(limits: SolveLimits()).status == .optimal)
        #expect(solver.solve(limits: SolveLimits()).status == .optimal)
        var delta = ModelDelta()
        for row in stride(from: 0, to: model.rowCount, by: 7) where model.program.rowUpper[row].isFinite {
            delta.rowUpper[Int32(row)] = model.program.rowUpper[row] * 0.9
        }
        let expected = reference.resolve(applying: delta, limits: SolveLimits())
        let outcome = solver.resolveInPlace(applying: delta, limits: SolveLimits(), algorithm: algorithm)
        #expect(outcome.algorithm == algorithm)
        #expect(outcome.status == expected.status)
        #expect(TestData.matches(outcome.objective, expected.objective))
    }

    @Test func aStoppedSolveEndsEarlyAndTheNextFinishes() throws {
        let model = try TestData.netlibModel("ship12l")
        let solver = try ClpSolver(program: model.program)
        var asked = 0
        let stopped = solver.resolveInPlace(applying: ModelDelta(), limits: SolveLimits(), algorithm: nil) {
            asked += 1
            return asked >= 3
        }
        #expect(stopped.status == .error)
        #expect(stopped.message == "stopped")
        // CLP asks at the end of each iteration, and may count one more before it returns.
        #expect(asked >= 3)
        #expect(stopped.iterations <= 5)
        let finished = solver.resolveInPlace(applying: ModelDelta(), limits: SolveLimits(), algorithm: .primal)
        #expect(finished.status == .optimal)
        #expect(TestData.matches(finished.objective, try #require(TestData.optima.first { $0.name == "ship12l" }).objective))
    }

    @Test func anAdoptedBasisStartsTheNextSolveAtTheOptimum() throws {
        let model = try TestData.netlibModel("ship12l")
        let solved = try ClpSolver(program: model.program)
        #expect(solved.solve(limits: SolveLimits()).status == .optimal)
        let other = try ClpSolver(program: model.program)
        #expect(other.adopt(solved.basis()))
        #expect(!other.adopt(Basis(statuses: [0, 1])))
        let next = other.resolveInPlace(applying: ModelDelta(), limits: SolveLimits(), algorithm: .dual)
        #expect(next.status == .optimal)
        #expect(next.iterations == 0)
    }
}
