import Dispatch

/// Runs async work from a synchronous command, blocking the main thread until it ends.
/// The root command stays synchronous so `serve` can make the event loop Swift's global
/// executor before any concurrency starts.
public func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = ErrorBox()
    Task {
        do { try await body() } catch { failure.error = error }
        done.signal()
    }
    done.wait()
    if let error = failure.error { throw error }
}

/// Carries an async failure back to the blocked thread (written before the semaphore signals).
final class ErrorBox: @unchecked Sendable {
    var error: (any Error)?
}
