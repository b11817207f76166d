import LiveSolveModel

/// A worker's answer to one solve: its outcome's fields (`answer.status`…), the changes to its
/// vectors since the worker's previous answer for the model, and the basis.
@dynamicMemberLookup
public struct SolveAnswer: Sendable, Equatable {
    public var model: UInt32
    public var outcome: SolveOutcome
    public var values: VectorChange
    public var duals: VectorChange
    public var reducedCosts: VectorChange
    public var rowActivities: VectorChange
    /// The stability bands' cost down, cost up, rhs down and rhs up: empty when not asked for
    /// or not optimal.
    public var bands: [VectorChange]
    public var basis: Basis

    public init(model: UInt32, outcome: SolveOutcome, values: VectorChange, duals: VectorChange,
                reducedCosts: VectorChange, rowActivities: VectorChange, bands: [VectorChange] = [.none, .none, .none, .none],
                basis: Basis) {
        self.model = model
        self.outcome = outcome
        self.values = values
        self.duals = duals
        self.reducedCosts = reducedCosts
        self.rowActivities = rowActivities
        self.bands = bands
        self.basis = basis
    }

    public subscript<T>(dynamicMember field: KeyPath<SolveOutcome, T>) -> T { outcome[keyPath: field] }
}

/// What a worker answers.
public enum WorkerReply: Sendable, Equatable {
    case loaded(model: UInt32)
    case solved(SolveAnswer)
    case dropped(model: UInt32)
    case shuttingDown
    /// A request that could not be carried out; `model` is nil when the frame did not say.
    case error(model: UInt32?, message: String)
}

enum ReplyTag: UInt8 { case loaded = 101, solved, dropped, shuttingDown, error = 199 }


extension WorkerReply {
    public func frame() -> [UInt8] {
        var w = ByteWriter(capacity: estimatedSize)
        w.append(UInt32(0))
        switch self {
        case .loaded(let model):
            w.append(ReplyTag.loaded.rawValue)
            w.append(model)
        case .solved(let a):
            w.appendSolvedHeader(model: a.model, outcome: a.outcome)
            w.append(a.values)
            w.append(a.duals)
            w.append(a.reducedCosts)
            w.append(a.rowActivities)
            for band in a.bands { w.append(band) }
            w.append(array: a.basis.statuses)
        case .dropped(let model):
            w.append(ReplyTag.dropped.rawValue)
            w.append(model)
        case .shuttingDown:
            w.append(ReplyTag.shuttingDown.rawValue)
        case let .error(model, message):
            w.append(ReplyTag.error.rawValue)
            w.append(model != nil)
            w.append(model ?? 0)
            w.append(message)
        }
        w.patchLength()
        return w.bytes
    }

    /// Room for the frame, so it is written without growing.
    private var estimatedSize: Int {
        guard case .solved(let a) = self else { return 256 }
        let entries = a.values.count + a.duals.count + a.reducedCosts.count + a.rowActivities.count + a.bands.reduce(0) { $0 + $1.count }
        return 64 + (a.message?.utf8.count ?? 0) + 12 * entries + a.basis.statuses.count
    }

    public static func decode(_ payload: [UInt8]) throws(FrameError) -> WorkerReply {
        var r = ByteReader(payload)
        let rawTag = try r.read(UInt8.self)
        guard let tag = ReplyTag(rawValue: rawTag) else { throw FrameError("unknown reply tag \(rawTag)") }
        let reply: WorkerReply
        switch tag {
        case .loaded: reply = .loaded(model: try r.read(UInt32.self))
        case .solved: reply = .solved(try r.readAnswerFrame().answer)
        case .dropped: reply = .dropped(model: try r.read(UInt32.self))
        case .shuttingDown: reply = .shuttingDown
        case .error:
            let hasModel = try r.readBool()
            let model = try r.read(UInt32.self)
            reply = .error(model: hasModel ? model : nil, message: try r.readString())
        }
        guard r.isAtEnd else { throw FrameError("unexpected bytes after a \(tag) reply") }
        return reply
    }
}
