import LiveSolveModel

/// A vector change read in place from a reply frame: what `VectorChange` holds in arrays.
public typealias ChangeFrame = Change<CountedRun<Double>, CountedRun<Int32>>

/// A reply as the server reads it: a solved answer left in its frame, any other in full.
public enum ReceivedReply: Sendable {
    case solved(AnswerFrame)
    case other(WorkerReply)

    /// Decodes a frame's payload (without its length prefix).
    public static func decode(_ payload: [UInt8]) throws(FrameError) -> ReceivedReply {
        if let answer = try AnswerFrame.decode(payload) { return .solved(answer) }
        return .other(try WorkerReply.decode(payload))
    }
}

/// A solved reply read in place: its outcome decoded, its vector changes and basis left in the
/// frame's bytes. The server installs answers from it entry by entry, building no arrays for
/// the few entries a warm solve usually changes. Its outcome's fields read as its own
/// (`answer.status`), as `SolveAnswer`'s do.
@dynamicMemberLookup
public struct AnswerFrame: Sendable {
    public let model: UInt32
    public let outcome: SolveOutcome
    /// Values, duals, reduced costs, row activities, then the bands' cost down, cost up, rhs
    /// down and rhs up (`SolutionLane`).
    public let changes: [ChangeFrame]
    public let basis: CountedRun<UInt8>

    public subscript<T>(dynamicMember field: KeyPath<SolveOutcome, T>) -> T { outcome[keyPath: field] }

    /// The same answer in arrays.
    public var answer: SolveAnswer {
        SolveAnswer(model: model, outcome: outcome, values: changes[0].inArrays, duals: changes[1].inArrays,
                    reducedCosts: changes[2].inArrays, rowActivities: changes[3].inArrays,
                    bands: changes[4...].map(\.inArrays), basis: Basis(statuses: basis.array))
    }

    /// Decodes a frame's payload (without its length prefix) when it is a solved reply; nil
    /// when it is another reply (`WorkerReply.decode` reads those).
    public static func decode(_ payload: [UInt8]) throws(FrameError) -> AnswerFrame? {
        guard payload.first == ReplyTag.solved.rawValue else { return nil }
        var r = ByteReader(payload, offset: 1)
        let answer = try r.readAnswerFrame()
        guard r.isAtEnd else { throw FrameError("unexpected bytes after a solved reply") }
        return answer
    }
}

private let statusCodes: [SolveStatus] = [.optimal, .infeasible, .unbounded, .timeLimit, .iterationLimit, .error, .feasible]
private let algorithmCodes: [Algorithm] = [.cold, .primal, .dual, .branchAndCut, .barrier]

extension ByteWriter {
    /// A solved reply's tag and fields before its eight vector changes and basis, which follow.
    public mutating func appendSolvedHeader(model: UInt32, outcome: SolveOutcome) {
        append(ReplyTag.solved.rawValue)
        append(model)
        append(UInt8(statusCodes.firstIndex(of: outcome.status)!))
        append(outcome.message ?? "")
        append(outcome.objective)
        append(Int64(outcome.iterations))
        append(Int64(outcome.solveMicros))
        append(Int64(outcome.bandsMicros))
        append(Int64(outcome.cpuMicros))
        append(UInt8(algorithmCodes.firstIndex(of: outcome.algorithm)!))
        append(outcome.isWarmStart)
        append(outcome.mip != nil)
        if let mip = outcome.mip {
            append(mip.isFinal)
            append(mip.bound)
            append(Int64(mip.nodes))
            append(Int64(mip.incumbents))
        }
    }
}

extension ByteReader {
    /// What follows a solved reply's tag.
    mutating func readAnswerFrame() throws(FrameError) -> AnswerFrame {
        let model = try read(UInt32.self)
        let status = Int(try read(UInt8.self))
        guard status < statusCodes.count else { throw FrameError("unknown status \(status)") }
        let message = try readString()
        let objective = try readDouble()
        let iterations = Int(try read(Int64.self))
        let micros = Int(try read(Int64.self))
        let bandsMicros = Int(try read(Int64.self))
        let cpuMicros = Int(try read(Int64.self))
        let algorithm = Int(try read(UInt8.self))
        guard algorithm < algorithmCodes.count else { throw FrameError("unknown algorithm \(algorithm)") }
        let warm = try readBool()
        let mip = try readBool()
            ? MIPStats(isFinal: try readBool(), bound: try readDouble(), nodes: Int(try read(Int64.self)), incumbents: Int(try read(Int64.self)))
            : nil
        var changes: [ChangeFrame] = []
        changes.reserveCapacity(SolutionLane.sent)
        for _ in 0..<SolutionLane.sent { changes.append(try readChangeFrame()) }
        let basis = try readCountedRun(of: UInt8.self)
        var outcome = SolveOutcome(
            status: statusCodes[status], message: message.isEmpty ? nil : message, objective: objective,
            iterations: iterations, algorithm: algorithmCodes[algorithm], isWarmStart: warm, solveMicros: micros, mip: mip)
        outcome.bandsMicros = bandsMicros
        outcome.cpuMicros = cpuMicros
        return AnswerFrame(model: model, outcome: outcome, changes: changes, basis: basis)
    }

    private mutating func readChangeFrame() throws(FrameError) -> ChangeFrame {
        if try readBool() { return .full(try readCountedRun(of: Double.self)) }
        let indices = try readCountedRun(of: Int32.self), values = try readCountedRun(of: Double.self)
        guard indices.count == values.count else { throw FrameError("vector change has mismatched lengths") }
        return .sparse(indices: indices, values: values)
    }
}
