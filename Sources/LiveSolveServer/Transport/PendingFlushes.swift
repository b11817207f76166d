import NIOCore

/// The connections written to in this loop turn, flushed together when the turn's work is done:
/// one task per turn, not one per connection (a fan-out pass writes to thousands).
final class PendingFlushes {
    private let loop: any EventLoop
    private var connections: [Connection] = []

    init(loop: any EventLoop) { self.loop = loop }

    func add(_ connection: Connection) {
        if connections.isEmpty {
            loop.assumeIsolated().execute { [self] in
                let due = connections
                connections = []
                for connection in due { connection.flush() }
            }
        }
        connections.append(connection)
    }
}
