import Foundation
import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC
import Testing
import TestSupport

private func solved(_ reply: WorkerReply) -> SolveAnswer? {
    if case .solved(let answer) = reply { return answer }
    Issue.record("expected a solve answer, got \(reply)")
    return nil
}

@Test func workerSolvesSurvivesAMalformedFrameAndSolvesAgain() throws {
    let worker = try WorkerClient(executable: TestData.livesolveExecutable)
    let model = try TestData.netlibModel("afiro")
    #expect(try worker.roundTrip(.load(model: 7, program: model.program, basis: nil)) == .loaded(model: 7))
    let first = solved(try worker.roundTrip(.solve(model: 7, delta: ModelDelta(), full: true, limits: SolveLimits())))
    #expect(first?.status == .optimal)
    #expect(TestData.matches(first?.objective ?? 0, -464.753142857143))

    // A frame with an unknown tag, then one whose body is truncated: each gets an error frame.
    worker.send(frame: [1, 0, 0, 0, 42])
    #expect(try worker.receive() == .error(model: nil, message: "malformed frame: unknown request tag 42"))
    worker.send(frame: [3, 0, 0, 0, 3, 7, 0])
    guard case .error(nil, let message) = try worker.receive() else { Issue.record("expected an error"); return }
    #expect(message.hasPrefix("malformed frame: frame truncated"))
    // An index outside the model is an error, not a crash.
    var bad = ModelDelta()
    bad.objective = [999: 1]
    #expect(try worker.roundTrip(.solve(model: 7, delta: bad, full: false, limits: SolveLimits()))
        == .error(model: 7, message: "column index 999 out of range 0..<32"))
    bad = ModelDelta()
    bad.rowUpper = [-1: 1]
    #expect(try worker.roundTrip(.solve(model: 7, delta: bad, full: false, limits: SolveLimits()))
        == .error(model: 7, message: "row index -1 out of range 0..<27"))
    bad = ModelDelta()
    bad.coefficients = [MatrixEntry(row: 0, col: 32): 1]
    #expect(try worker.roundTrip(.solve(model: 7, delta: bad, full: false, limits: SolveLimits()))
        == .error(model: 7, message: "coefficient (0, 32) out of range"))
    #expect(try worker.roundTrip(.solve(model: 8, delta: ModelDelta(), full: false, limits: SolveLimits()))
        == .error(model: 8, message: "model 8 is not loaded"))

    let stream = try TestData.stream("afiro")
    let delta = try UpdateResolver(model: model).resolve(stream.steps[0].update)
    let next = solved(try worker.roundTrip(.solve(model: 7, delta: delta, full: false, limits: SolveLimits())))
    #expect(next?.status == .optimal)
    #expect(next?.isWarmStart == true)
    #expect(TestData.matches(next?.objective ?? 0, stream.steps[0].expect))
    #expect(worker.shutdown() == 0)
}

@Test func changedEntriesReconstructTheFullVectors() throws {
    let worker = try WorkerClient(executable: TestData.livesolveExecutable)
    let model = try TestData.netlibModel("adlittle")
    _ = try worker.roundTrip(.load(model: 1, program: model.program, basis: nil))
    guard let first = solved(try worker.roundTrip(.solve(model: 1, delta: ModelDelta(), full: false, limits: SolveLimits()))),
          case .full(var values) = first.values, case .full(var duals) = first.duals else {
        Issue.record("the first answer must carry full vectors"); return
    }
    let stream = try TestData.stream("adlittle")
    let resolver = UpdateResolver(model: model)
    var sawSparse = false
    for step in stream.steps.prefix(50) {
        let delta = try resolver.resolve(step.update)
        guard let answer = solved(try worker.roundTrip(.solve(model: 1, delta: delta, full: false, limits: SolveLimits()))) else { return }
        if case .sparse = answer.values { sawSparse = true }
        answer.values.apply(to: &values)
        answer.duals.apply(to: &duals)
        #expect(TestData.matches(answer.objective, step.expect))
    }
    #expect(sawSparse)
    // The same state asked for in full equals what the changes built, bit for bit.
    guard let full = solved(try worker.roundTrip(.solve(model: 1, delta: ModelDelta(), full: true, limits: SolveLimits()))) else { return }
    #expect(full.values == .full(values))
    #expect(full.duals == .full(duals))
    worker.shutdown()
}

/// A `max` model's duals and reduced costs leave the worker in the model's sense (CLP solves
/// the negated minimisation), the same as the in-process solver reports them.
@Test func aMaxModelsDualsComeOutOfTheWorkerInTheModelsSense() throws {
    // max 3x + 2y  s.t.  x + y <= 4,  x + 3y <= 7,  0 <= x <= 3, y >= 0: optimum x = 3, y = 1,
    // the first row binding with dual 2, x at its bound with reduced cost 3 - 2 = 1.
    let program = LinearProgram(
        sense: .max, objectiveConstant: 0, objective: [3, 2], columnLower: [0, 0], columnUpper: [3, .infinity],
        rowLower: [-.infinity, -.infinity], rowUpper: [4, 7], isInteger: [false, false],
        matrix: SparseMatrix(rowCount: 2, columnStarts: [0, 2, 4], rowIndices: [0, 1, 0, 1], values: [1, 1, 1, 3]))
    let worker = try WorkerClient(executable: TestData.livesolveExecutable)
    _ = try worker.roundTrip(.load(model: 1, program: program, basis: nil))
    guard let answer = solved(try worker.roundTrip(.solve(model: 1, delta: ModelDelta(), full: true, limits: SolveLimits()))) else { return }
    #expect(TestData.matches(answer.objective, 11))
    guard case .full(let duals) = answer.duals, case .full(let reducedCosts) = answer.reducedCosts else {
        Issue.record("a full answer must carry full vectors"); return
    }
    #expect(TestData.matches(duals[0], 2) && TestData.matches(duals[1], 0))
    #expect(TestData.matches(reducedCosts[0], 1) && TestData.matches(reducedCosts[1], 0))
    let local = try ClpSolver(program: program).solve()
    #expect(duals == local.duals && reducedCosts == local.reducedCosts)
    worker.shutdown()
}

@Test func basisExportedFromOneWorkerStartsAnotherWarm() throws {
    let model = try TestData.netlibModel("ship12l")
    let stream = try TestData.stream("ship12l")
    let delta = try UpdateResolver(model: model).resolve(stream.steps[0].update)
    var changed = model.program
    changed.apply(delta)

    let first = try WorkerClient(executable: TestData.livesolveExecutable)
    _ = try first.roundTrip(.load(model: 1, program: model.program, basis: nil))
    guard let cold = solved(try first.roundTrip(.solve(model: 1, delta: ModelDelta(), full: false, limits: SolveLimits()))) else { return }
    #expect(cold.iterations > 100)
    first.shutdown()

    let second = try WorkerClient(executable: TestData.livesolveExecutable)
    _ = try second.roundTrip(.load(model: 1, program: changed, basis: cold.basis))
    guard let warm = solved(try second.roundTrip(.solve(model: 1, delta: ModelDelta(), full: false, limits: SolveLimits()))) else { return }
    #expect(warm.status == .optimal)
    #expect(warm.isWarmStart)
    #expect(warm.iterations <= 10)
    #expect(TestData.matches(warm.objective, stream.steps[0].expect))
    second.shutdown()
}

@Test func workerExitsWhenItsInputCloses() throws {
    let worker = try WorkerClient(executable: TestData.livesolveExecutable)
    #expect(try worker.roundTrip(.drop(model: 3)) == .dropped(model: 3))
    #expect(worker.shutdown() == 0)
}
