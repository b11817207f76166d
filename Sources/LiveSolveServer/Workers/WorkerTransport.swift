import LiveSolveWorkerIPC

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
