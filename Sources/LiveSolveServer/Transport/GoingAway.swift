import Foundation
import ServiceLifecycle

/// On graceful shutdown (before the HTTP server stops), closes every WebSocket with 1001 and
/// answers the requests waiting for solutions.
/// Services stop in reverse order, so this runs first.
struct GoingAway: Service {
    let coordinator: Coordinator
    /// For `livesolve serve` only: seconds after which a shutdown that has not finished ends the
    /// process anyway. With thousands of connections, the event loop was seen blocked for good
    /// on a lock inside swift-async-algorithms' `merge` during shutdown (Hummingbird's date
    /// cache uses it); workers exit by themselves when their stdin closes.
    let forcedExitAfter: Double?

    func run() async throws {
        try? await gracefulShutdown()
        if let seconds = forcedExitAfter {
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: seconds)
                FileHandle.standardError.write(Data("livesolve: shutdown did not finish within \(Int(seconds)) s; exiting\n".utf8))
                _exit(0)
            }
        }
        await coordinator.goAway()
    }
}
