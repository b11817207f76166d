import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC

#if canImport(Glibc)
import Glibc
#endif

/// The worker process's loop: frames in on stdin, one reply each on stdout, logs on stderr.
/// Holds many models at once, each with its solver and the vectors last sent for it, so every
/// answer can carry only what changed. Single-threaded: a solve blocks this process only.
public final class WorkerService {
    /// A class: a solve changes `lastSent` in place, without copying the entry out of the
    /// table and writing it back.
    private final class HeldModel {
        let solver: ClpSolver
        let columns: Int
        let rows: Int
        var lastSent: [[Double]]? = nil

        init(solver: ClpSolver, columns: Int, rows: Int) {
            self.solver = solver
            self.columns = columns
            self.rows = rows
        }
    }

    private var models: [UInt32: HeldModel] = [:]
    private let channel: FrameChannel

    public init(channel: FrameChannel = FrameChannel(input: 0, output: 1)) {
        self.channel = channel
    }

    /// Serves until stdin closes or a shutdown request arrives. Returns the exit code.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        while true {
            let payload: [UInt8]
            do {
                payload = try channel.readFrame()
            } catch .closed {
                return 0
            } catch .oversized(let length) {
                // The length prefix cannot be trusted, so neither can anything after it.
                log("frame of \(length) bytes exceeds the limit; exiting")
                channel.write(WorkerReply.error(model: nil, message: "frame of \(length) bytes exceeds the limit of \(maximumFrameLength)").frame())
                return 2
            } catch {
                log("cannot read stdin: \(error)")
                return 1
            }
            let request: WorkerRequest
            do {
                request = try WorkerRequest.decode(payload)
            } catch {
                channel.write(WorkerReply.error(model: nil, message: "malformed frame: \(error)").frame())
                continue
            }
            let reply = handle(request)
            guard channel.write(reply.frame()) else { return 0 }
            if case .shutdown = request { return 0 }
        }
    }

    /// Carries out one request.
    public func handle(_ request: WorkerRequest) -> WorkerReply {
        switch request {
        case let .load(model, program, basis):
            do {
                let solver = try ClpSolver(program: program, basis: basis)
                models[model] = HeldModel(solver: solver, columns: program.columnCount, rows: program.rowCount)
                return .loaded(model: model)
            } catch {
                return .error(model: model, message: error.message)
            }
        case let .solve(model, delta, full, limits):
            guard let held = models[model] else { return .error(model: model, message: "model \(model) is not loaded") }
            if let problem = Self.check(delta, columns: held.columns, rows: held.rows) {
                return .error(model: model, message: problem)
            }
            let result = held.solver.resolve(applying: delta, limits: limits)
            let previous = held.lastSent
            func change(_ i: Int, _ vector: [Double]) -> VectorChange { full ? .full(vector) : .between(previous?[i], vector) }
            held.lastSent = [result.values, result.duals, result.reducedCosts, result.rowActivities]
            return .solved(SolveAnswer(
                model: model, status: result.status, message: result.message, objective: result.objective,
                iterations: result.iterations, solveMicros: result.solveMicros, algorithm: result.algorithm,
                isWarmStart: result.isWarmStart, values: change(0, result.values), duals: change(1, result.duals),
                reducedCosts: change(2, result.reducedCosts), rowActivities: change(3, result.rowActivities),
                basis: held.solver.basis()))
        case let .drop(model):
            models[model] = nil
            return .dropped(model: model)
        case .shutdown:
            return .shuttingDown
        }
    }

    /// A delta's indices must fit the model it is for: a bad one is an error, never a crash.
    static func check(_ delta: ModelDelta, columns: Int, rows: Int) -> String? {
        // Each map on its own: this runs before every solve, and a list of them is an allocation.
        func firstBad(_ keys: Dictionary<Int32, Double>.Keys, _ count: Int) -> Int32? { keys.first { $0 < 0 || Int($0) >= count } }
        if let bad = firstBad(delta.objective.keys, columns) ?? firstBad(delta.columnLower.keys, columns) ?? firstBad(delta.columnUpper.keys, columns) {
            return "column index \(bad) out of range 0..<\(columns)"
        }
        if let bad = firstBad(delta.rowLower.keys, rows) ?? firstBad(delta.rowUpper.keys, rows) { return "row index \(bad) out of range 0..<\(rows)" }
        if let bad = delta.coefficients.keys.first(where: { $0.row < 0 || Int($0.row) >= rows || $0.col < 0 || Int($0.col) >= columns }) {
            return "coefficient (\(bad.row), \(bad.col)) out of range"
        }
        return nil
    }

    private func log(_ message: String) {
        let line = Array("livesolve worker[\(getpid())]: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
