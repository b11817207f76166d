import ArgumentParser
import CommandSupport
import LiveSolveModel

/// `livesolve convert FILE --to FORMAT`: a model file written in another format, on standard output.
struct ConvertCommand: ParsableCommand {
    /// The formats LiveSolve writes.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        case json, lp
    }

    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Read a model file and write it in another format to standard output.",
        discussion: """
            json is the canonical model document of PROTOCOL.md; lp is CPLEX LP that other solvers read too \
            (names the LP rules do not allow are escaped, e.g. x[1] as x(1) and 2y as _2y). \
            Exit status: 0 written, 1 the file could not be read.
            """
    )

    @Argument(help: "A model file: .json, .lp or .mps (optionally .gz).")
    var file: String

    @Option(help: "The file's format, when its name does not tell: json, lp or mps.")
    var format: ModelFormat?

    @Option(help: "The format to write: json or lp.")
    var to: Target

    func run() throws {
        let model: Model
        do {
            model = try ModelFile.read(file, format: format)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        switch to {
        case .json: print(JSONModelWriter.write(model))
        case .lp: print(LPWriter.write(model), terminator: "")
        }
    }
}
