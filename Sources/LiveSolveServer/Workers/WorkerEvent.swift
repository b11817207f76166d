import LiveSolveWorkerIPC

/// What a worker did, as its transport reports it.
enum WorkerEvent: Sendable {
    case started
    case startFailed(reason: String)
    case solved(model: UInt32, AnswerFrame)
    /// An improving incumbent of the integer model's solve, which goes on.
    case improved(model: UInt32, AnswerFrame)
    case solveFailed(model: UInt32, message: String)
    case loadFailed(model: UInt32, message: String)
    /// The process is gone (exited, killed, or its pipe broke).
    case exited
}
