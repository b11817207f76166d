import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// CLP's ranging against a second computation: each cost (and each active row bound) is moved
/// just inside and just outside its band, the moved program is solved from scratch and from
/// the original basis: inside, that basis is still optimal; outside, it is not.
@Suite struct StabilityBandsTests {
    /// The refinery example (a `max` model) and afiro (a `min` one).
    static let models: [String] = ["refinery", "afiro"]

    static func model(_ name: String) throws -> Model {
        name == "refinery" ? try TestData.example("refinery") : try TestData.netlibModel(name)
    }

    /// Whether `basis` is still an optimal basis of `program`: started from it, the simplex
    /// moves no pivot, and what it reports is the optimum a solve from scratch finds. (A solve
    /// from scratch alone may land on another optimal basis of a degenerate program.)
    static func staysOptimal(_ program: LinearProgram, basis: Basis) throws -> Bool {
        let cold = try ClpSolver(program: program).solve()
        let warm = try ClpSolver(program: program, basis: basis).solve()
        guard cold.status == .optimal, warm.status == .optimal else { return false }
        return warm.iterations == 0 && abs(warm.objective - cold.objective) <= 1e-9 * max(1, abs(cold.objective))
    }

    /// Two points inside `[down, up]` around `at` and two outside, where the band is finite.
    static func probes(at value: Double, down: Double, up: Double) -> (inside: [Double], outside: [Double]) {
        let margin = 1e-3 * max(1, abs(value))
        var inside: [Double] = [], outside: [Double] = []
        if up.isFinite {
            if up - value > 4 * margin { inside.append(value + (up - value) / 2) }
            outside.append(up + max(margin, 0.05 * abs(up - value)))
        } else {
            inside.append(value + 10 * max(1, abs(value)))
        }
        if down.isFinite {
            if value - down > 4 * margin { inside.append(value - (value - down) / 2) }
            outside.append(down - max(margin, 0.05 * abs(value - down)))
        } else {
            inside.append(value - 10 * max(1, abs(value)))
        }
        return (inside, outside)
    }

    @Test(arguments: models)
    func eachCostKeepsTheBasisInsideItsBandAndChangesItOutside(name: String) throws {
        let program = try Self.model(name).program
        let solver = try ClpSolver(program: program)
        #expect(solver.solve().status == .optimal)
        let bands = try #require(solver.stabilityBands())
        let basis = solver.basis()
        var outsideChecked = 0
        for col in 0..<program.columnCount {
            let cost = program.objective[col]
            #expect(bands.costDown[col] <= cost && cost <= bands.costUp[col], "column \(col)")
            let (inside, outside) = Self.probes(at: cost, down: bands.costDown[col], up: bands.costUp[col])
            for moved in inside {
                var changed = program
                changed.objective[col] = moved
                #expect(try Self.staysOptimal(changed, basis: basis), "column \(col): cost \(cost) → \(moved) inside [\(bands.costDown[col]), \(bands.costUp[col])]")
            }
            for moved in outside {
                var changed = program
                changed.objective[col] = moved
                // Beyond the band the basis is no longer optimal (or the problem unbounded).
                #expect(try !Self.staysOptimal(changed, basis: basis), "column \(col): cost \(cost) → \(moved) outside [\(bands.costDown[col]), \(bands.costUp[col])]")
                outsideChecked += 1
            }
        }
        #expect(outsideChecked > 0)
    }

    /// The costs' bands alone (the ranging fast path's) are the same as with the rows'.
    @Test(arguments: models)
    func costBandsAloneAreTheSameAsWithTheRows(name: String) throws {
        let program = try Self.model(name).program
        let solver = try ClpSolver(program: program)
        _ = solver.solve()
        let all = try #require(solver.stabilityBands())
        let costs = try #require(solver.stabilityBands(rows: false))
        #expect(costs.costDown == all.costDown && costs.costUp == all.costUp)
        #expect(costs.rhsDown.isEmpty && costs.rhsUp.isEmpty)
    }

    /// Ranging leaves the solution as the solve left it: the worker reads its vectors after.
    @Test(arguments: models)
    func rangingLeavesTheSolutionAsItWas(name: String) throws {
        let program = try Self.model(name).program
        let solver = try ClpSolver(program: program)
        let solved = solver.solve()
        #expect(solver.stabilityBands() != nil)
        let v = solver.vectors
        #expect(Array(v.values) == solved.values)
        #expect(Array(v.rowActivities) == solved.rowActivities)
        #expect(v.duals.map { v.dualSign * $0 } == solved.duals)
        #expect(v.reducedCosts.map { v.dualSign * $0 } == solved.reducedCosts)
        // And the next warm solve is right.
        var delta = ModelDelta()
        delta.objective = [0: program.objective[0] * 1.01]
        var moved = program
        moved.objective[0] *= 1.01
        let warm = solver.resolve(applying: delta, limits: SolveLimits())
        let cold = try ClpSolver(program: moved).solve()
        #expect(abs(warm.objective - cold.objective) <= 1e-9 * max(1, abs(cold.objective)))
    }

    @Test(arguments: models)
    func eachActiveRowBoundKeepsTheBasisInsideItsBandAndChangesItOutside(name: String) throws {
        let program = try Self.model(name).program
        let solver = try ClpSolver(program: program)
        #expect(solver.solve().status == .optimal)
        let bands = try #require(solver.stabilityBands())
        let activities = solver.solve().rowActivities
        let basis = solver.basis()
        var active = 0
        for row in 0..<program.rowCount {
            let (down, up) = (bands.rhsDown[row], bands.rhsUp[row])
            let (lower, upper) = (program.rowLower[row], program.rowUpper[row])
            let atLower = abs(activities[row] - lower) <= abs(activities[row] - upper)
            let bound = atLower ? lower : upper
            guard !down.isNaN else {
                // No active bound: its slack is basic.
                #expect(basis.statuses[program.columnCount + row] & 7 == 1, "row \(row) has no band but a nonbasic slack")
                continue
            }
            active += 1
            #expect(down <= bound + 1e-9 && bound - 1e-9 <= up, "row \(row)")
            func moved(to value: Double) -> LinearProgram {
                var changed = program
                if lower == upper {
                    (changed.rowLower[row], changed.rowUpper[row]) = (value, value)
                } else if atLower {
                    changed.rowLower[row] = value
                } else {
                    changed.rowUpper[row] = value
                }
                return changed
            }
            let (inside, outside) = Self.probes(at: bound, down: down, up: up)
            for value in inside {
                #expect(try Self.staysOptimal(moved(to: value), basis: basis), "row \(row): bound \(bound) → \(value) inside [\(down), \(up)]")
            }
            for value in outside {
                #expect(try !Self.staysOptimal(moved(to: value), basis: basis), "row \(row): bound \(bound) → \(value) outside [\(down), \(up)]")
            }
        }
        #expect(active > 0)
    }
}
