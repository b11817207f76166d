import LiveSolveModel

/// What the server asks of a worker. Every request but `stop` and `adopt` gets exactly one reply.
public enum WorkerRequest: Sendable, Equatable {
    /// Hold `program` as model `model`, starting from `basis` if given (continuing warm elsewhere).
    case load(model: UInt32, program: LinearProgram, basis: Basis?)
    /// Apply `delta` and solve; `full` asks for whole vectors instead of the changes since the
    /// last answer, `bands` for stability bands of an optimal basis as well. `algorithm` is
    /// the simplex to run (nil: the worker's choice by what changed); `stoppable` lets a
    /// `stop` end a linear solve too (a raced one), at a call per iteration.
    case solve(model: UInt32, delta: ModelDelta, full: Bool, limits: SolveLimits, bands: BandsWanted = .none,
               algorithm: Algorithm? = nil, stoppable: Bool = false)
    /// Forget a model.
    case drop(model: UInt32)
    /// Answer, then exit.
    case shutdown
    /// Stop the model's solve at its next event, if it is still running (a newer update came):
    /// the solve answers as it stands. No reply of its own.
    case stop(model: UInt32)
    /// Start the model's next solve from `basis` (a race's winner's). No reply of its own.
    case adopt(model: UInt32, basis: Basis)
}

enum RequestTag: UInt8 { case load = 1, solve, drop, shutdown, stop, adopt }

/// How an algorithm travels in a solve request: 0 is none asked for.
private let algorithmCodes: [Algorithm] = [.primal, .dual, .cold, .barrier]

extension WorkerRequest {
    /// The whole frame: a little-endian UInt32 length, then the tag and body.
    public func frame() -> [UInt8] {
        var w = ByteWriter()
        w.append(UInt32(0))
        switch self {
        case let .load(model, program, basis):
            w.append(RequestTag.load.rawValue)
            w.append(model)
            w.append(program)
            w.append(basis != nil)
            if let basis { w.append(array: basis.statuses) }
        case let .solve(model, delta, full, limits, bands, algorithm, stoppable):
            w.append(RequestTag.solve.rawValue)
            w.append(model)
            w.append(full)
            w.append(bands.rawValue)
            w.append(UInt8(algorithm.flatMap { algorithmCodes.firstIndex(of: $0) }.map { $0 + 1 } ?? 0))
            w.append(stoppable)
            w.append(limits.seconds ?? 0)
            w.append(Int64(limits.iterations ?? 0))
            w.append(limits.mipGap)
            w.append(Int64(limits.incumbentMillis))
            w.append(delta)
        case let .drop(model):
            w.append(RequestTag.drop.rawValue)
            w.append(model)
        case .shutdown:
            w.append(RequestTag.shutdown.rawValue)
        case let .stop(model):
            w.append(RequestTag.stop.rawValue)
            w.append(model)
        case let .adopt(model, basis):
            w.append(RequestTag.adopt.rawValue)
            w.append(model)
            w.append(array: basis.statuses)
        }
        w.patchLength()
        return w.bytes
    }

    /// Decodes a frame's payload (without its length prefix).
    public static func decode(_ payload: [UInt8]) throws(FrameError) -> WorkerRequest {
        switch try ReceivedRequest.decode(payload) {
        case let .load(model, program, basis): .load(model: model, program: program, basis: basis)
        case let .solve(solve):
            .solve(model: solve.model, delta: solve.delta.modelDelta, full: solve.full, limits: solve.limits, bands: solve.bands,
                   algorithm: solve.algorithm, stoppable: solve.stoppable)
        case let .drop(model): .drop(model: model)
        case .shutdown: .shutdown
        case let .stop(model): .stop(model: model)
        case let .adopt(model, basis): .adopt(model: model, basis: basis)
        }
    }
}

/// A request as the worker reads it: the same as `WorkerRequest`, but a solve's delta is left
/// in the frame, for the worker to apply entry by entry.
public enum ReceivedRequest {
    case load(model: UInt32, program: LinearProgram, basis: Basis?)
    case solve(SolveRequest)
    case drop(model: UInt32)
    case shutdown
    case stop(model: UInt32)
    case adopt(model: UInt32, basis: Basis)

    public struct SolveRequest {
        public let model: UInt32
        public let delta: DeltaFrame
        public let full: Bool
        public let limits: SolveLimits
        public let bands: BandsWanted
        public let algorithm: Algorithm?
        public let stoppable: Bool
    }

    /// Decodes a frame's payload (without its length prefix).
    public static func decode(_ payload: [UInt8]) throws(FrameError) -> ReceivedRequest {
        var r = ByteReader(payload)
        let rawTag = try r.read(UInt8.self)
        guard let tag = RequestTag(rawValue: rawTag) else { throw FrameError("unknown request tag \(rawTag)") }
        let request: ReceivedRequest
        switch tag {
        case .load:
            let model = try r.read(UInt32.self)
            let program = try r.readProgram()
            let basis = try r.readBool() ? Basis(statuses: try r.readArray(of: UInt8.self)) : nil
            request = .load(model: model, program: program, basis: basis)
        case .solve:
            let model = try r.read(UInt32.self)
            let full = try r.readBool()
            let rawBands = try r.read(UInt8.self)
            guard let bands = BandsWanted(rawValue: rawBands) else { throw FrameError("unknown bands \(rawBands)") }
            let code = Int(try r.read(UInt8.self))
            guard code <= algorithmCodes.count else { throw FrameError("unknown algorithm \(code)") }
            let stoppable = try r.readBool()
            let seconds = try r.readDouble()
            let iterations = try r.read(Int64.self)
            let gap = try r.readDouble()
            let incumbentMillis = try r.read(Int64.self)
            let delta = try r.readDelta()
            request = .solve(SolveRequest(
                model: model, delta: delta, full: full,
                limits: SolveLimits(seconds: seconds > 0 ? seconds : nil, iterations: iterations > 0 ? Int(iterations) : nil,
                                    mipGap: gap, incumbentMillis: Int(incumbentMillis)),
                bands: bands, algorithm: code == 0 ? nil : algorithmCodes[code - 1], stoppable: stoppable))
        case .drop:
            request = .drop(model: try r.read(UInt32.self))
        case .shutdown:
            request = .shutdown
        case .stop:
            request = .stop(model: try r.read(UInt32.self))
        case .adopt:
            request = .adopt(model: try r.read(UInt32.self), basis: Basis(statuses: try r.readArray(of: UInt8.self)))
        }
        guard r.isAtEnd else { throw FrameError("unexpected bytes after a \(tag) request") }
        return request
    }
}
