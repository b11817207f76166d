import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore

/// A process that takes request frames and returns reply frames, wherever it runs: a child
/// process on pipes (`PipeWorker`) today, a worker on another machine behind a broker next.
/// The pool sends requests through it; what comes back arrives as `WorkerEvent`s.
protocol WorkerTransport {
    /// Sends one request; its reply arrives as an event, replies in request order.
    func send(_ request: WorkerRequest)
    /// Ends the process at once: its solve overran, or the server is stopping. Its exit is reported.
    func kill()
    /// The operating system's process id, when the process is local.
    var pid: Int32? { get }
}

/// Starts workers of one kind.
protocol WorkerLauncher: Sendable {
    /// Starts a worker for `id`. Every event about it, `started` or `startFailed` first, is
    /// reported through `report` on `loop`, never from inside this call.
    func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport
}

/// Where a transport reports what its worker did; called on the server's event loop.
typealias WorkerReport = @Sendable (WorkerID, WorkerEvent) -> Void

/// What a worker did, as its transport reports it.
enum WorkerEvent: Sendable {
    case started
    case startFailed(reason: String)
    case solved(model: UInt32, AnswerFrame)
    case solveFailed(model: UInt32, message: String)
    case loadFailed(model: UInt32, message: String)
    /// The process is gone (exited, killed, or its pipe broke).
    case exited
}
