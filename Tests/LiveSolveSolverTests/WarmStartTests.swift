import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// Replays a stream through one solver, warm, checking every step against `expect`.
@Test(arguments: ["afiro", "adlittle", "ship12l", "80bau3b", "d2q06c", "dfl001"])
func everyStreamStepMatchesExpect(stream name: String) throws {
    let stream = try TestData.stream(name)
    let model = try TestData.netlibModel(name)
    let solver = try ClpSolver(program: model.program)
    #expect(solver.solve(limits: SolveLimits()).status == .optimal)
    let resolver = UpdateResolver(model: model)
    var wrong = 0
    for step in stream.steps {
        let result = solver.resolve(applying: try resolver.resolve(step.update), limits: SolveLimits())
        #expect(result.algorithm == .primal)
        if result.status != .optimal || !TestData.matches(result.objective, step.expect) { wrong += 1 }
    }
    #expect(wrong == 0)
}

@Test func warmIterationsAreASmallFractionOfColdOnShip12l() throws {
    let stream = try TestData.stream("ship12l")
    let model = try TestData.netlibModel("ship12l")
    let solver = try ClpSolver(program: model.program)
    let cold = solver.solve(limits: SolveLimits())
    let resolver = UpdateResolver(model: model)
    var warmIterations = 0
    for step in stream.steps.prefix(100) {
        warmIterations += solver.resolve(applying: try resolver.resolve(step.update), limits: SolveLimits()).iterations
    }
    #expect(cold.iterations > 100)
    #expect(Double(warmIterations) / 100 < 0.05 * Double(cold.iterations))
}

/// Warm re-solves after each kind of change agree with a cold solve of the changed model.
@Test(arguments: [
    (#"{ "rowBounds": { "balance[jet]": [null, -1] } }"#, Algorithm.dual),
    (#"{ "colBounds": { "crude[heavy]": { "upper": 60 } } }"#, .dual),
    (#"{ "parameters": { "price[gasoline]": 2.6, "capacity[cracker]": 30 } }"#, .primal),
    (#"{ "coefficients": [ { "row": "balance[jet]", "col": "crude[heavy]", "value": -0.2 } ] }"#, .primal),
    (#"{ "coefficients": [ { "row": "cracker", "col": "crude[light]", "value": 0.1 } ] }"#, .primal),
])
func warmAgreesWithColdForEachChangeKind(update: String, algorithm: Algorithm) throws {
    var model = try TestData.example("refinery")
    let solver = try ClpSolver(program: model.program)
    _ = solver.solve(limits: SolveLimits())
    let delta = try UpdateResolver(model: model).resolve(try JSONParser.parse(update))
    let warm = solver.resolve(applying: delta, limits: SolveLimits())
    model.apply(delta)
    let cold = try ClpSolver(program: model.program).solve(limits: SolveLimits())
    #expect(warm.algorithm == algorithm)
    #expect(warm.status == .optimal)
    #expect(TestData.matches(warm.objective, cold.objective, relative: 1e-9))
    // A second change after the first keeps agreeing (the kept factorization stays valid).
    let second = try UpdateResolver(model: model).resolve(try JSONParser.parse(#"{ "parameters": { "price[diesel]": 2.2 } }"#))
    let warm2 = solver.resolve(applying: second, limits: SolveLimits())
    model.apply(second)
    let cold2 = try ClpSolver(program: model.program).solve(limits: SolveLimits())
    #expect(TestData.matches(warm2.objective, cold2.objective, relative: 1e-9))
}

@Test func basisCarriesAWarmStartToAFreshSolver() throws {
    let model = try TestData.netlibModel("ship12l")
    let first = try ClpSolver(program: model.program)
    let cold = first.solve(limits: SolveLimits())
    let second = try ClpSolver(program: model.program, basis: first.basis())
    let warm = second.solve(limits: SolveLimits())
    #expect(warm.status == .optimal)
    #expect(warm.isWarmStart)
    #expect(warm.iterations <= 5)
    #expect(TestData.matches(warm.objective, cold.objective, relative: 1e-9))
}

@Test func infeasibleAndUnboundedAreReportedAsSuch() throws {
    let infeasible = try LPReader.read("min\n obj: x\nst\n c1: x + y >= 5\n c2: x + y <= 3\nend\n")
    #expect(try ClpSolver(program: infeasible.program).solve(limits: SolveLimits()).status == .infeasible)
    let unbounded = try LPReader.read("max\n obj: x + y\nst\n c1: x - y <= 3\nend\n")
    #expect(try ClpSolver(program: unbounded.program).solve(limits: SolveLimits()).status == .unbounded)
    // A cost change can make a solved model unbounded: reported, warm.
    let model = try LPReader.read("min\n obj: x + y\nst\n c1: x - y <= 3\nend\n")
    let solver = try ClpSolver(program: model.program)
    #expect(solver.solve(limits: SolveLimits()).status == .optimal)
    var delta = ModelDelta()
    delta.objective = [1: -1]
    #expect(solver.resolve(applying: delta, limits: SolveLimits()).status == .unbounded)
}

/// A model walked in and out of infeasible and unbounded states: each warm answer is the cold
/// answer of the model as it stands. (After an unbounded solve, warm solves once answered the
/// old optimum as optimal, the new bounds ignored.)
@Test(arguments: [
    [#"{"c1":{"upper":-1}}"#, #"{"c1":{"upper":10}}"#, #"{"c1":{"upper":null}}"#, #"{"c1":{"upper":-1}}"#,
     #"{"c1":{"upper":10}}"#, #"{"c1":{"upper":-1}}"#, #"{"c1":{"upper":null}}"#, #"{"c1":{"upper":8}}"#],
    [#"{"c1":{"upper":null}}"#, #"{"c1":{"upper":6}}"#, #"{"c1":{"upper":null}}"#, #"{"c1":{"upper":2}}"#,
     #"{"c1":{"lower":1,"upper":2}}"#, #"{"c1":{"lower":null,"upper":4}}"#],
])
func warmFollowsColdThroughInfeasibleAndUnbounded(rowBounds: [String]) throws {
    var model = try LPReader.read("max\n obj: 3 x + 2 y\nst\n c1: x + 2 y <= 10\nbounds\n x <= 4\nend\n")
    let solver = try ClpSolver(program: model.program)
    #expect(solver.solve(limits: SolveLimits()).status == .optimal)
    for (step, bounds) in rowBounds.enumerated() {
        let delta = try UpdateResolver(model: model).resolve(try JSONParser.parse(#"{"rowBounds":\#(bounds)}"#))
        let warm = solver.resolve(applying: delta, limits: SolveLimits())
        model.apply(delta)
        let cold = try ClpSolver(program: model.program).solve(limits: SolveLimits())
        #expect(warm.status == cold.status, "step \(step): \(bounds)")
        if cold.status == .optimal {
            #expect(TestData.matches(warm.objective, cold.objective, relative: 1e-9), "step \(step): \(bounds)")
            #expect(warm.values == cold.values, "step \(step): \(bounds)")
        }
    }
}

@Test func dualsAndReducedCostsFollowTheModelsSense() throws {
    // max 3x + 2y, x + y <= 4 (binding, dual 3 in the max sense), x <= 3 ... y's reduced cost 2 - 3 = -1.
    let model = try LPReader.read("max\n obj: 3 x + 2 y\nst\n cap: x + y <= 4\nbounds\n x <= 10\nend\n")
    let result = try ClpSolver(program: model.program).solve(limits: SolveLimits())
    #expect(result.objective == 12)
    #expect(result.duals == [3])
    #expect(result.reducedCosts == [0, -1])
    #expect(result.rowActivities == [4])
    let minimise = try LPReader.read("min\n obj: x + 2 y\nst\n need: x + y >= 4\nend\n")
    let minResult = try ClpSolver(program: minimise.program).solve(limits: SolveLimits())
    #expect(minResult.duals == [1])
    #expect(minResult.reducedCosts == [0, 1])
}

@Test func iterationLimitIsReported() throws {
    let model = try TestData.netlibModel("ship12l")
    let result = try ClpSolver(program: model.program).solve(limits: SolveLimits(iterations: 3))
    #expect(result.status == .iterationLimit)
}

/// CLP never solves an integer model as its LP relaxation; `ModelSolver` gives it to CBC.
@Test func integerModelsAreNeverRelaxed() throws {
    let model = try LPReader.read("max\n obj: x\nst\n c: x <= 2.5\ngeneral\n x\nend\n")
    #expect(throws: SolverError.self) { try ClpSolver(program: model.program) }
    let result = try ModelSolver(program: model.program).solve(limits: SolveLimits())
    #expect(result.status == .optimal && result.objective == 2)
}

/// What CLP refuses comes back as an `error` whose message says why in words. (The server never
/// sends such a number, `SolverRange`; the solver alone still must not report it as solved.)
@Test func aSolveCLPRefusesIsAnErrorSayingWhy() throws {
    let model = try TestData.example("refinery")
    let solver = try ClpSolver(program: model.program)
    #expect(solver.solve(limits: SolveLimits()).status == .optimal)
    var delta = ModelDelta()
    delta.coefficients[MatrixEntry(row: 0, col: 0)] = 1e25
    let result = solver.resolve(applying: delta, limits: SolveLimits())
    #expect(result.status == .error)
    #expect(result.message == "CLP stopped with status 4 (secondary 8: failed the bad element check)")
}
