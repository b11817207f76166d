import LiveSolveWorkerIPC
import NIOCore

/// Matches a worker's replies to the requests they answer: a worker answers every request but
/// `stop` and `adopt`, in order, and a solve's incumbents (solved replies marked not final) come before its
/// answer. What a transport reports of a reply follows from the request it answers.
struct ReplyMatcher {
    private enum Expectation {
        case load(UInt32)
        case solve(UInt32)
        case other
    }

    private var expected = CircularBuffer<Expectation>()

    /// A request went out.
    mutating func sent(_ request: WorkerRequest) {
        switch request {
        case let .load(model, _, _): expected.append(.load(model))
        case let .solve(model, _, _, _, _, _, _): expected.append(.solve(model))
        case .drop, .shutdown: expected.append(.other)
        case .stop, .adopt: break
        }
    }

    /// A reply came in: what to report of it, if anything (loads, drops and shutdowns that
    /// succeed say nothing the pool needs).
    mutating func received(_ reply: ReceivedReply) -> WorkerEvent? {
        if case .solved(let answer) = reply, answer.mip?.isFinal == false {
            guard case .solve(let model)? = expected.first else { return nil }
            return .improved(model: model, answer)
        }
        guard let expectation = expected.popFirst() else { return nil }
        switch (expectation, reply) {
        case (.solve(let model), .solved(let answer)): return .solved(model: model, answer)
        case (.solve(let model), .other(.error(_, let message))): return .solveFailed(model: model, message: message)
        case (.load(let model), .other(.error(_, let message))): return .loadFailed(model: model, message: message)
        default: return nil
        }
    }
}
