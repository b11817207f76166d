import ArgumentParser
import CommandSupport
import LiveSolveBench

/// The `livesolve` executable: serve, solve, convert, feed, replay, token, worker and bench.
@main
struct LiveSolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livesolve",
        abstract: "Keeps optimization models solved live.",
        subcommands: [ServeCommand.self, SolveCommand.self, ConvertCommand.self, FeedCommand.self, ReplayCommand.self, TokenCommand.self, WorkerCommand.self, BenchCommand.self]
    )
}
