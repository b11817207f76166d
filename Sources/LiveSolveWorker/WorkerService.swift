import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC

#if canImport(Glibc)
import Glibc
#endif

/// The worker process's loop: frames in on stdin, one reply each on stdout, logs on stderr.
/// Holds many models at once, each with its solver and the vectors last sent for it, so every
/// answer can carry only what changed. Single-threaded: a solve blocks this process only.
/// `Engine` is the solver behind every model, reached only through the `Solver` protocol.
///
/// An integer model's solve can run for seconds. While it runs, each improving incumbent goes
/// out as a solved reply marked not final (at most one per `incumbentMillis`), and a `stop`
/// for that model ends it at its next event; any other request that arrives meanwhile waits
/// for the solve to end.
public final class WorkerService<Engine: Solver> {
    /// A class: a solve changes `lastSent` in place, without copying the entry out of the
    /// table and writing it back.
    private final class HeldModel {
        var solver: Engine
        let columns: Int
        let rows: Int
        /// Each `SolutionLane` as last sent, for sending changes.
        var lastSent: [[Double]?] = Array(repeating: nil, count: SolutionLane.sent)

        init(solver: Engine, columns: Int, rows: Int) {
            self.solver = solver
            self.columns = columns
            self.rows = rows
        }
    }

    private var models: [UInt32: HeldModel] = [:]
    /// Stdin and stdout, for `run`; nil for a worker that reads its requests elsewhere.
    private let channel: FrameChannel?
    /// Where incumbents go while a solve runs, and where a stop can arrive.
    private let link: any FrameLink
    /// Solved replies are written here, from the solver's own buffers; its room is kept.
    private var reply = ByteWriter(capacity: 4096)
    private var changed: [Int32] = []
    /// Requests read while a solve ran, served before anything newer.
    private var deferred: [ReceivedRequest] = []
    /// Zeros for the duals and reduced costs of incumbents, which integer models do not have.
    private var zeros: [Double] = []

    public init(channel: FrameChannel = FrameChannel(input: 0, output: 1)) {
        self.channel = channel
        self.link = channel
    }

    /// A worker whose requests come from elsewhere (a broker) and go through `handle`; what a
    /// solve sends while it runs goes to `link`.
    public init(link: some FrameLink) {
        self.channel = nil
        self.link = link
    }

    /// Serves until stdin closes or a shutdown request arrives. Returns the exit code.
    public func run() -> Int32 {
        guard let channel else { preconditionFailure("run() serves stdin; this worker was made for handle()") }
        signal(SIGPIPE, SIG_IGN)
        while true {
            if !deferred.isEmpty {
                let request = deferred.removeFirst()
                guard send(handle(request)) else { return 0 }
                if case .shutdown = request { return 0 }
                continue
            }
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
            let request: ReceivedRequest
            do {
                request = try ReceivedRequest.decode(payload)
            } catch {
                channel.write(WorkerReply.error(model: nil, message: "malformed frame: \(error)").frame())
                continue
            }
            guard send(handle(request)) else { return 0 }
            if case .shutdown = request { return 0 }
        }
    }

    /// Writes a reply; an empty one (a `stop` has none) writes nothing.
    private func send(_ frame: [UInt8]) -> Bool {
        frame.isEmpty || channel?.write(frame) == true
    }

    /// Carries out one request; returns the reply's frame (empty for a `stop`).
    public func handle(_ request: ReceivedRequest) -> [UInt8] {
        switch request {
        case let .load(model, program, basis):
            do {
                let solver = try Engine(program: program, basis: basis)
                models[model] = HeldModel(solver: solver, columns: program.columnCount, rows: program.rowCount)
                return WorkerReply.loaded(model: model).frame()
            } catch {
                return WorkerReply.error(model: model, message: error.message).frame()
            }
        case let .solve(solve):
            return self.solve(solve)
        case let .drop(model):
            models[model] = nil
            return WorkerReply.dropped(model: model).frame()
        case .shutdown:
            return WorkerReply.shuttingDown.frame()
        case .stop:
            // Its solve has already ended.
            return []
        case let .adopt(model, basis):
            _ = models[model]?.solver.adopt(basis)
            return []
        }
    }

    /// Applies the delta from its frame, solves (sending incumbents as they come), and writes
    /// the answer.
    private func solve(_ request: ReceivedRequest.SolveRequest) -> [UInt8] {
        let model = request.model
        guard let held = models[model] else { return WorkerReply.error(model: model, message: "model \(model) is not loaded").frame() }
        if let problem = Self.check(request.delta, columns: held.columns, rows: held.rows) {
            return WorkerReply.error(model: model, message: problem).frame()
        }
        var shown: (micros: Int, pending: Bool) = (.min / 2, false)
        var stopped = false
        var outcome = held.solver.resolveInPlace(applying: request.delta, limits: request.limits, algorithm: request.algorithm,
                                                 stoppable: request.stoppable) { progress in
            if !stopped, stopArrived(for: model) { stopped = true }
            guard !stopped, let progress else { return stopped }
            if progress.isNewIncumbent { shown.pending = true }
            let now = monotonicMicros()
            if shown.pending, now - shown.micros >= request.limits.incumbentMillis * 1000 {
                showIncumbent(progress, of: held, model: model, full: request.full && shown.micros < 0)
                shown = (now, false)
            }
            return false
        }
        // Ranging may refactorize and polish the point: the vectors are read after it.
        let rangingStart = monotonicMicros()
        let bands = request.bands > .none && outcome.status == .optimal ? held.solver.stabilityBands(rows: request.bands == .all) : nil
        if bands != nil { outcome.bandsMicros = monotonicMicros() - rangingStart }
        // After an incumbent, this answer's changes are against that incumbent.
        writeSolved(model: model, outcome: outcome, vectors: held.solver.vectors, bands: bands, of: held,
                    full: request.full && shown.micros < 0) {
            held.solver.writeBasis(into: $0)
        }
        return reply.bytes
    }

    /// Writes an incumbent as a solved reply that is not final, its changes against what was
    /// last sent for the model. An integer model has no duals or reduced costs: zeros stand in.
    private func showIncumbent(_ progress: SolveProgress, of held: HeldModel, model: UInt32, full: Bool) {
        if zeros.count < max(held.columns, held.rows) { zeros = Array(repeating: 0, count: max(held.columns, held.rows)) }
        zeros.withUnsafeBufferPointer { zeros in
            let vectors = SolutionVectors(
                values: progress.values, duals: UnsafeBufferPointer(rebasing: zeros[..<held.rows]),
                reducedCosts: UnsafeBufferPointer(rebasing: zeros[..<held.columns]), rowActivities: progress.rowActivities, dualSign: 1)
            // The basis of an incumbent is the root's, which the final answer carries: none here.
            writeSolved(model: model, outcome: progress.outcome, vectors: vectors, bands: nil, of: held, full: full, basis: nil)
        }
        link.write(reply.bytes)
    }

    /// Writes a solved reply into `reply` straight from the solver's vectors: the same frame as
    /// `WorkerReply.solved(…).frame()`, with no vector built. Each vector goes as its change
    /// against what was last sent for the model (whole when `full`); `basis` fills the basis's
    /// columns + rows bytes, and nil sends none.
    private func writeSolved(model: UInt32, outcome: SolveOutcome, vectors: SolutionVectors, bands: StabilityBands?,
                             of held: HeldModel, full: Bool,
                             basis: ((UnsafeMutableRawBufferPointer) -> Void)?) {
        reply.reset()
        reply.append(UInt32(0))
        reply.appendSolvedHeader(model: model, outcome: outcome)
        func change(_ i: Int, _ vector: UnsafeBufferPointer<Double>, times sign: Double) {
            reply.appendChange(of: vector, times: sign, since: &held.lastSent[i], full: full, changed: &changed)
        }
        change(0, vectors.values, times: 1)
        change(1, vectors.duals, times: vectors.dualSign)
        change(2, vectors.reducedCosts, times: vectors.dualSign)
        change(3, vectors.rowActivities, times: 1)
        // Without bands, empty lanes: the server then holds none rather than stale ones.
        for (i, lane) in [bands?.costDown, bands?.costUp, bands?.rhsDown, bands?.rhsUp].enumerated() {
            (lane ?? []).withUnsafeBufferPointer { change(4 + i, $0, times: 1) }
        }
        if let basis {
            reply.append(count: held.columns + held.rows, filledBy: basis)
        } else {
            reply.append(UInt32(0))
        }
        reply.patchLength()
    }

    /// Whether a `stop` for `model` has arrived, reading whatever requests have arrived whole;
    /// others wait in `deferred`. Checked at most once a millisecond: CBC's events can be many more.
    private var lastCheck = 0
    private func stopArrived(for model: UInt32) -> Bool {
        let now = monotonicMicros()
        guard now - lastCheck >= 1000 else { return false }
        lastCheck = now
        var stop = false
        while let payload = try? link.frameIfArrived() {
            guard let request = try? ReceivedRequest.decode(payload) else {
                link.write(WorkerReply.error(model: nil, message: "malformed frame").frame())
                continue
            }
            switch request {
            case .stop(let m):
                if m == model { stop = true }
            case .shutdown:
                // The server is stopping: the solve answers as it stands, then the worker exits.
                stop = true
                deferred.append(request)
            default:
                deferred.append(request)
            }
        }
        return stop
    }

    /// A delta's indices must fit the model it is for: a bad one is an error, never a crash.
    static func check(_ delta: some DeltaSource, columns: Int, rows: Int) -> String? {
        var problem: String?
        func column(_ i: Int32, _: Double) {
            if problem == nil, i < 0 || Int(i) >= columns { problem = "column index \(i) out of range 0..<\(columns)" }
        }
        func row(_ i: Int32, _: Double) {
            if problem == nil, i < 0 || Int(i) >= rows { problem = "row index \(i) out of range 0..<\(rows)" }
        }
        delta.forEachObjective(column)
        delta.forEachColumnLower(column)
        delta.forEachColumnUpper(column)
        delta.forEachRowLower(row)
        delta.forEachRowUpper(row)
        delta.forEachCoefficient { r, c, _ in
            if problem == nil, r < 0 || Int(r) >= rows || c < 0 || Int(c) >= columns { problem = "coefficient (\(r), \(c)) out of range" }
        }
        return problem
    }

    private func log(_ message: String) {
        let line = Array("livesolve worker[\(getpid())]: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
