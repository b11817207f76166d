import ArgumentParser
import CommandSupport
import LiveSolveModel
import LiveSolveSolver

#if canImport(Glibc)
import Glibc
#endif

/// `livesolve solve FILE`: one cold solve (CLP, or CBC for a model with integer variables),
/// printed as text or one JSON object.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve a model file once and print the result.",
        discussion: "Exit status: 0 optimal, 3 solved but not optimal (infeasible, unbounded, a limit, an error), 1 the file could not be read or loaded."
    )

    @Argument(help: "A model file: .json, .lp or .mps (optionally .gz).")
    var file: String

    @Option(help: "The file's format, when its name does not tell: json, lp or mps.")
    var format: ModelFormat?

    @Flag(help: "Also print every nonzero variable value.")
    var values = false

    @Flag(help: "Print one JSON object with keys status, objective, iterations, seconds (and values with --values; bound, gap and nodes for an integer model).")
    var json = false

    @Option(help: "Stop after this many seconds.")
    var timeLimit: Double?

    @Option(help: "For an integer model: the relative gap at which branch and cut stops.")
    var mipGap: Double = 1e-4

    func run() throws {
        let model: Model
        let solver: ModelSolver
        guard mipGap >= 0, mipGap <= 1 else {
            printError("--mip-gap: expected a number from 0 to 1, found \(mipGap)")
            throw ExitCode(1)
        }
        do {
            model = try ModelFile.read(file, format: format)
            solver = try ModelSolver(program: model.program)
        } catch let error as ModelFile.Failure {
            printError(error.description)
            throw ExitCode(1)
        } catch let error as SolverError {
            printError("\(file): \(error.message)")
            throw ExitCode(1)
        }
        let result = solver.solve(limits: SolveLimits(seconds: timeLimit, mipGap: mipGap))
        let seconds = Double(result.solveMicros) / 1e6
        let nonzero = (0..<model.columnCount).filter { result.status.hasSolution && result.values[$0] != 0 }
        if json {
            var fields: [(key: String, value: JSON)] = [
                ("status", .string(result.status.rawValue)),
                ("objective", result.status.hasSolution ? .number(result.objective) : .null),
                ("iterations", .number(Double(result.iterations))),
                ("seconds", .number(seconds)),
            ]
            if let mip = result.mip, result.status.hasSolution {
                fields += [("bound", .number(mip.bound)), ("gap", .number(mip.gap(objective: result.objective)))]
            }
            if let mip = result.mip { fields.append(("nodes", .number(Double(mip.nodes)))) }
            if let message = result.message { fields.append(("message", .string(message))) }
            if values { fields.append(("values", .object(nonzero.map { (model.columns[$0], JSON.number(result.values[$0])) }))) }
            print(JSONWriter.string(.object(fields)))
        } else {
            print("model:      \(model.name) (\(model.rowCount) rows, \(model.columnCount) columns, \(model.program.matrix.nonzeroCount) nonzeros)")
            print("status:     \(result.status.rawValue)\(result.message.map { " (\($0))" } ?? "")")
            if result.status.hasSolution { print("objective:  \(result.objective)") }
            if let mip = result.mip {
                if result.status.hasSolution { print("bound:      \(mip.bound) (gap \(mip.gap(objective: result.objective)))") }
                print("nodes:      \(mip.nodes)")
            }
            print("iterations: \(result.iterations)")
            print("time:       \(seconds) s")
            if values {
                let width = nonzero.map { model.columns[$0].count }.max() ?? 0
                for col in nonzero {
                    let name = model.columns[col]
                    print("  \(name)\(String(repeating: " ", count: width - name.count))  \(result.values[col])")
                }
            }
        }
        if result.status != .optimal { throw ExitCode(3) }
    }
}
