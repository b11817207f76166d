import LiveSolveModel
import LiveSolveWorkerIPC
import Testing

@testable import LiveSolveServer

/// Replies matched to requests: an integer model's incumbents come before its solve's answer
/// and do not consume the solve; a stop gets no reply.
@Test func incumbentsComeBeforeTheirSolvesAnswerAndAStopHasNoReply() throws {
    var matcher = ReplyMatcher()
    matcher.sent(.solve(model: 4, delta: ModelDelta(), full: true, limits: SolveLimits()))
    matcher.sent(.stop(model: 4))
    matcher.sent(.solve(model: 5, delta: ModelDelta(), full: false, limits: SolveLimits()))
    let incumbent = try reply(final: false), answer = try reply(final: true)
    guard case .improved(4, _)? = matcher.received(incumbent) else { Issue.record("an incumbent was not reported as one"); return }
    guard case .improved(4, _)? = matcher.received(incumbent) else { Issue.record("a second incumbent was not reported"); return }
    guard case .solved(4, _)? = matcher.received(answer) else { Issue.record("the answer was not matched to its solve"); return }
    // The next answer is the next solve's: the stop expected no reply.
    guard case .solved(5, _)? = matcher.received(answer) else { Issue.record("the stop was expected to answer"); return }
    // An incumbent with no solve outstanding is not reported.
    #expect(matcher.received(incumbent) == nil)
}

private func reply(final: Bool) throws -> ReceivedReply {
    let outcome = SolveOutcome(status: final ? .optimal : .feasible, message: nil, objective: 1, iterations: 0,
                               algorithm: .branchAndCut, isWarmStart: false, solveMicros: 1,
                               mip: MIPStats(isFinal: final, bound: 1, nodes: 0, incumbents: 1))
    let empty = VectorChange.sparse(indices: [], values: [])
    let answer = SolveAnswer(model: 4, outcome: outcome, values: empty, duals: empty, reducedCosts: empty, rowActivities: empty,
                             basis: Basis(statuses: []))
    return try ReceivedReply.decode(Array(WorkerReply.solved(answer).frame().dropFirst(4)))
}
