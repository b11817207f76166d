/// A request waiting for a solution, resumed once: by the solution or by its time limit.
struct SolutionWaiter {
    var number: Int
    var minSeq: Int
    /// The version it waits for is at least this one: a solve asked for after it came.
    var minNumber = 0
    var continuation: CheckedContinuation<Result<SolutionVersion, RequestError>, Never>
}
