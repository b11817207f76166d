import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// A small deterministic generator (SplitMix64), so a failing walk can be replayed by its seed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One random change to an objective coefficient, a column or row bound, or a matrix
/// coefficient, made from the original model's value: kept near it (scaled by 0.5 to 1.5), put
/// back, or pushed to an extreme (a bound removed, a row made infeasible). Walks so made keep
/// coming back to solvable models, so they cross between optimal, infeasible and unbounded.
private func randomDelta(from original: LinearProgram, using random: inout SplitMix) -> ModelDelta {
    var delta = ModelDelta()
    let col = Int32(Int.random(in: 0..<original.columnCount, using: &random))
    let row = Int32(Int.random(in: 0..<original.rowCount, using: &random))
    let mode = Int.random(in: 0..<10, using: &random)
    func moved(_ value: Double) -> Double {
        switch mode {
        case 0..<6: value.isFinite ? value * Double(Int.random(in: 5...15, using: &random)) / 10 : value
        case 6..<8: value
        default: value.isFinite ? (value > 0 ? Double.infinity : -value - 1) : value
        }
    }
    switch Int.random(in: 0..<4, using: &random) {
    case 0:
        // Extreme for a cost: its sign flipped, which can make the model unbounded.
        let cost = original.objective[Int(col)]
        delta.objective[col] = mode < 8 ? moved(cost) : -cost - 1
    case 1:
        delta.columnUpper[col] = moved(original.columnUpper[Int(col)])
        delta.columnLower[col] = min(original.columnLower[Int(col)], delta.columnUpper[col]!)
    case 2:
        delta.rowUpper[row] = moved(original.rowUpper[Int(row)])
        delta.rowLower[row] = min(original.rowLower[Int(row)], delta.rowUpper[row]!)
    default:
        let current = original.matrix.value(row: Int(row), col: Int(col)) ?? 0
        delta.coefficients[MatrixEntry(row: row, col: col)] = mode < 8 ? moved(current == 0 ? 1 : current) : current
    }
    return delta
}

private extension LinearProgram {
    /// The change that puts back what `delta` changes, to this program's values.
    func restoring(_ delta: ModelDelta) -> ModelDelta {
        var back = ModelDelta()
        for col in delta.objective.keys { back.objective[col] = objective[Int(col)] }
        for col in delta.columnLower.keys { back.columnLower[col] = columnLower[Int(col)] }
        for col in delta.columnUpper.keys { back.columnUpper[col] = columnUpper[Int(col)] }
        for row in delta.rowLower.keys { back.rowLower[row] = rowLower[Int(row)] }
        for row in delta.rowUpper.keys { back.rowUpper[row] = rowUpper[Int(row)] }
        for entry in delta.coefficients.keys {
            back.coefficients[entry] = matrix.value(row: Int(entry.row), col: Int(entry.col)) ?? 0
        }
        return back
    }
}

/// Random walks of changes on small models: after every change the warm re-solve's status and
/// objective are a cold solve's of the same model. Infeasible and unbounded may swap when a
/// model is both (which one a simplex finds first is its own choice); optimal must match.
@Test(arguments: ["small", "refinery", "afiro", "adlittle"], [1, 2, 3, 4, 5, 6])
func warmAgreesWithColdOnRandomWalks(model name: String, seed: UInt64) throws {
    var model: Model = switch name {
    // Two rows hold it: removing either bound, or flipping a cost, leaves it unbounded.
    case "small": try LPReader.read("max\n obj: 3 x + 2 y + z\nst\n c1: x + 2 y + z <= 10\n c2: x - z >= -2\nbounds\n x <= 4\nend\n")
    case "refinery": try TestData.example(name)
    default: try TestData.netlibModel(name)
    }
    var random = SplitMix(state: seed)
    let original = model.program
    var undo: [ModelDelta] = []
    let solver = try ClpSolver(program: model.program)
    _ = solver.solve(limits: SolveLimits())
    for step in 0..<400 {
        // A third of the steps put back an earlier change, so states entered are also left.
        let delta: ModelDelta
        if !undo.isEmpty, Int.random(in: 0..<3, using: &random) == 0 {
            delta = undo.remove(at: Int.random(in: 0..<undo.count, using: &random))
        } else {
            delta = randomDelta(from: original, using: &random)
            undo.append(original.restoring(delta))
        }
        let warm = solver.resolve(applying: delta, limits: SolveLimits())
        model.program.apply(delta)
        let cold = try ClpSolver(program: model.program).solve(limits: SolveLimits())
        let context = "\(name) seed \(seed) step \(step)"
        if warm.status == .optimal || cold.status == .optimal {
            #expect(warm.status == cold.status, "\(context)")
            if warm.status == cold.status {
                // Relative, with a floor: an objective of 0 comes back as 1e-9 from a warm start.
                #expect(abs(warm.objective - cold.objective) <= 1e-7 * max(1, abs(cold.objective)), "\(context)")
            }
        }
    }
}
