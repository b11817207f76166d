import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// The glued forms (`3x`, `2.5x1`, `1e1y`, `-2x1`, `-1e1<=x`) solve to the optima HiGHS, CPLEX,
/// Gurobi and GLPK give the same files: in the objective, in rows and in bounds.
@Test(arguments: [("glued-objective", 11.0), ("glued-rows", 200.0), ("glued-bounds", -0.5)])
func aGluedCoefficientSolvesToTheOptimumEverySolverGives(file: String, optimum: Double) throws {
    let text = try TestData.text(TestData.repositoryRoot.appendingPathComponent("Tests/lp/cases/\(file).lp"))
    let model = try LPReader.read(text)
    let result = try ClpSolver(program: model.program).solve(limits: SolveLimits())
    #expect(result.status == .optimal)
    #expect(TestData.matches(result.objective, optimum), "\(result.objective) vs \(optimum)")
}
