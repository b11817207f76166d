import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC

/// `livesolve bench solver`: a stream's steps through a real worker process (or in-process),
/// one round trip per step, every objective checked against the stream's `expect`.
struct SolverBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solver",
        abstract: "Replay a price stream through a worker process and report warm re-solve latency."
    )

    @Option(help: "A stream file, e.g. Benchmarks/streams/afiro.jsonl.gz.")
    var stream: String

    @Option(help: "The model file (default: the stream header's source, under the data folder beside the streams).")
    var model: String?

    @Option(help: "Run only the first N steps.")
    var steps: Int?

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    @Flag(help: "Solve inside this process (no worker, no pipe): the bare solver's floor.")
    var inProcess = false

    @Flag(help: "Compute the stability bands (costRanges, rhsRanges) after every solve, as a subscriber to them makes the worker do.")
    var bands = false

    @Flag(help: "With --bands: the costs' bands only (costRanges), as the ranging fast path has the worker compute them.")
    var costBandsOnly = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        let stream: PriceStream
        let loaded: Model
        do {
            stream = try PriceStream.read(self.stream)
            loaded = try ModelFile.read(model ?? Self.defaultModelPath(source: stream.source, stream: self.stream))
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let resolver = UpdateResolver(model: loaded)
        let chosen = stream.steps.prefix(steps ?? stream.steps.count)
        var deltas: [ModelDelta] = []
        for (i, step) in chosen.enumerated() {
            do { deltas.append(try resolver.resolve(step.update)) } catch {
                printError("\(self.stream): step \(i + 1): \(error.message)")
                throw ExitCode(1)
            }
        }
        let wanted: BandsWanted = bands ? (costBandsOnly ? .costs : .all) : .none
        let runner: any StepRunner = inProcess
            ? try InProcessRunner(program: loaded.program, bands: wanted) : try WorkerRunner(program: loaded.program, bands: wanted)
        let cold = try runner.solveCold()
        var latencies: [Double] = [], solveMicros: [Double] = [], iterations = 0, wrong = 0
        for (delta, step) in zip(deltas, chosen) {
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = try runner.solve(delta)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
            solveMicros.append(Double(outcome.solveMicros))
            iterations += outcome.iterations
            if outcome.status != .optimal || !PriceStream.matches(outcome.objective, step.expect) { wrong += 1 }
        }
        runner.finish()
        let report = SolverBenchReport(
            model: stream.name, mode: (inProcess ? "in-process" : "worker") + (bands ? (costBandsOnly ? " with cost bands" : " with bands") : ""), steps: chosen.count, wrong: wrong,
            coldMillis: cold, latencies: latencies, solveMicros: solveMicros,
            meanIterations: chosen.isEmpty ? 0 : Double(iterations) / Double(chosen.count))
        print(json ? report.json : report.table)
        if wrong > 0 { throw ExitCode(4) }
    }

    /// The stream's source under the data folder beside the streams' folder (`Benchmarks/data`
    /// for `Benchmarks/streams`), or beside its parent, as in the shared `bench/streams` layout.
    static func defaultModelPath(source: String, stream: String) -> String {
        let streamDirectory = URL(fileURLWithPath: stream).deletingLastPathComponent()
        let candidates = [
            streamDirectory.appendingPathComponent("../data/\(source)").standardized.path,
            streamDirectory.appendingPathComponent("../../data/\(source)").standardized.path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }
}

/// What one step reports.
struct StepOutcome {
    var status: SolveStatus
    var objective: Double
    var iterations: Int
    var solveMicros: Int
}

/// Runs steps either in a worker process or in this one.
protocol StepRunner {
    /// The cold solve, in milliseconds.
    func solveCold() throws -> Double
    func solve(_ delta: ModelDelta) throws -> StepOutcome
    func finish()
}

final class InProcessRunner: StepRunner {
    let solver: ClpSolver
    let bands: BandsWanted

    init(program: LinearProgram, bands: BandsWanted) throws { (solver, self.bands) = (try ClpSolver(program: program), bands) }

    func solveCold() throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = solver.solve(limits: SolveLimits())
        guard result.status == .optimal else { throw ModelFile.Failure(description: "cold solve ended \(result.status.rawValue)") }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    func solve(_ delta: ModelDelta) throws -> StepOutcome {
        let r = solver.resolve(applying: delta, limits: SolveLimits())
        if bands > .none, r.status == .optimal, solver.stabilityBands(rows: bands == .all) == nil {
            throw ModelFile.Failure(description: "ranging failed")
        }
        return StepOutcome(status: r.status, objective: r.objective, iterations: r.iterations, solveMicros: r.solveMicros)
    }

    func finish() {}
}

final class WorkerRunner: StepRunner {
    let worker: WorkerClient
    let bands: BandsWanted
    static let modelID: UInt32 = 1

    init(program: LinearProgram, bands: BandsWanted) throws {
        self.bands = bands
        worker = try WorkerClient(executable: try Self.ownExecutable())
        guard case .loaded = try worker.roundTrip(.load(model: Self.modelID, program: program, basis: nil)) else {
            throw ModelFile.Failure(description: "worker did not load the model")
        }
    }

    static func ownExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    func solveCold() throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = try solve(ModelDelta())
        guard outcome.status == .optimal else { throw ModelFile.Failure(description: "cold solve ended \(outcome.status.rawValue)") }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    func solve(_ delta: ModelDelta) throws -> StepOutcome {
        let reply = try worker.roundTrip(.solve(model: Self.modelID, delta: delta, full: false, limits: SolveLimits(), bands: bands))
        switch reply {
        case .solved(let a): return StepOutcome(status: a.status, objective: a.objective, iterations: a.iterations, solveMicros: a.solveMicros)
        case .error(_, let message): throw ModelFile.Failure(description: "worker: \(message)")
        default: throw ModelFile.Failure(description: "worker answered \(reply)")
        }
    }

    func finish() { worker.shutdown() }
}
