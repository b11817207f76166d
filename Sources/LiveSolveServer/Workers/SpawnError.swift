/// A worker process that could not be started: why, for the log and the pool's backoff.
struct SpawnError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
