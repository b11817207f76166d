import ArgumentParser
import Dispatch

/// The `livesolve` executable: serve, solve, convert, feed, worker and bench.
@main
struct LiveSolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livesolve",
        abstract: "Keeps optimization models solved live.",
        subcommands: [ServeCommand.self, SolveCommand.self, ConvertCommand.self, FeedCommand.self, WorkerCommand.self, BenchCommand.self]
    )
}

/// Runs async work from a synchronous command, blocking the main thread until it ends.
/// The root command stays synchronous so `serve` can make the event loop Swift's global
/// executor before any concurrency starts.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
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
