import LiveSolveCoordination
import NIOCore

/// Starts workers of one kind.
protocol WorkerLauncher: Sendable {
    /// Starts a worker for `id`. Every event about it, `started` or `startFailed` first, is
    /// reported through `report` on `loop`, never from inside this call.
    func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport
}
