import Foundation
import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC
import Testing
import TestSupport

@testable import LiveSolveServer

/// `parameterRanges` against a second computation: each refinery parameter is moved just inside
/// each side of its range (the basis must stay optimal) and, for a parameter that drives one
/// site, where the range is exact, just outside (it must not).
@Suite struct ParameterRangesTests {
    /// The lanes a worker's answer and the server's derivation give for `model`'s state.
    static func lanes(of model: Model) throws -> (lanes: [[Double]], basis: Basis) {
        let solver = try ClpSolver(program: model.program)
        let result = solver.solve()
        #expect(result.status == .optimal)
        let bands = try #require(solver.stabilityBands())
        var lanes = Array(repeating: [Double](), count: SolutionLane.count)
        lanes[SolutionLane.values.rawValue] = result.values
        lanes[SolutionLane.rowActivities.rawValue] = result.rowActivities
        (lanes[SolutionLane.costDown.rawValue], lanes[SolutionLane.costUp.rawValue]) = (bands.costDown, bands.costUp)
        (lanes[SolutionLane.rhsDown.rawValue], lanes[SolutionLane.rhsUp.rawValue]) = (bands.rhsDown, bands.rhsUp)
        return (lanes, solver.basis())
    }

    /// Whether `basis` is still optimal for `program` (as in StabilityBandsTests).
    static func staysOptimal(_ program: LinearProgram, basis: Basis) throws -> Bool {
        let cold = try ClpSolver(program: program).solve()
        let warm = try ClpSolver(program: program, basis: basis).solve()
        guard cold.status == .optimal, warm.status == .optimal else { return false }
        return warm.iterations == 0 && abs(warm.objective - cold.objective) <= 1e-9 * max(1, abs(cold.objective))
    }

    /// The refinery, and a variant whose gasoline price also sets diesel's (two objective sites)
    /// and whose cracker capacity also caps the distillation (two rows): the 100 % rule's case.
    static let documents: [String] = [
        refineryDocument,
        refineryDocument
            .replacingOccurrences(of: #""make[diesel]": { "param": "price[diesel]", "scale": 42 }"#,
                                  with: #""make[diesel]": { "param": "price[gasoline]", "scale": 40 }"#)
            .replacingOccurrences(of: #""upper": "capacity[distillation]""#, with: #""upper": { "param": "capacity[cracker]", "scale": 2.6 }"#),
    ]

    @Test(arguments: 0..<documents.count)
    func eachParameterKeepsTheBasisInsideItsRangeAndASingleSiteOneChangesItOutside(document: Int) throws {
        let model = try JSONModelReader.read(Self.documents[document])
        if document == 1 {
            // The variant is what it claims to be.
            let gasoline = try #require(model.parameters.names.index(of: "price[gasoline]"))
            let cracker = try #require(model.parameters.names.index(of: "capacity[cracker]"))
            #expect(model.parameters.sites[gasoline].count == 2 && model.parameters.sites[cracker].count == 2)
        }
        let (lanes, basis) = try Self.lanes(of: model)
        let ranges = try #require(ParameterRanges.compute(model.parameters, values: model.parameters.values, lanes: lanes))
        var exactChecked = 0
        for p in 0..<model.parameters.count {
            let name = model.parameters.names[p], value = model.parameters.values[p]
            let (down, up) = (ranges.down[p], ranges.up[p])
            try #require(!down.isNaN, "\(name) has no range")
            #expect(down <= value && value <= up, "\(name)")
            func moved(to v: Double) throws -> LinearProgram {
                var changed = model
                changed.apply(try UpdateResolver(model: model).resolve(.object([("parameters", .object([(name, .number(v))]))])))
                return changed.program
            }
            let margin = 1e-3 * max(1, abs(value))
            for edge in [down, up] where edge.isFinite && abs(edge - value) > 4 * margin {
                let inside = value + (edge - value) / 2
                #expect(try Self.staysOptimal(moved(to: inside), basis: basis), "\(name) → \(inside) inside [\(down), \(up)]")
            }
            let sites = model.parameters.sites[p].filter { $0 != .objectiveConstant }
            guard sites.count == 1 else { continue }
            for edge in [down, up] where edge.isFinite {
                let outside = edge + (edge < value ? -1 : 1) * max(margin, 0.05 * abs(edge - value))
                #expect(try !Self.staysOptimal(moved(to: outside), basis: basis), "\(name) → \(outside) outside [\(down), \(up)]")
                exactChecked += 1
            }
        }
        #expect(exactChecked > 0)
    }
}
