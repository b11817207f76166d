import LiveSolveCoordination

/// Where a transport reports what its worker did; called on the server's event loop.
typealias WorkerReport = @Sendable (WorkerID, WorkerEvent) -> Void
