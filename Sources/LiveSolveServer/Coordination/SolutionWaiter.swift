/// A request waiting for a solution, resumed once: by the solution or by its time limit.
struct SolutionWaiter {
    var number: Int
    var minSeq: Int
    var continuation: CheckedContinuation<Result<SolutionVersion, RequestError>, Never>
}
