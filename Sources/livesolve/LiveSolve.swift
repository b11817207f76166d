import ArgumentParser

/// The `livesolve` executable: serve, solve, worker and bench.
@main
struct LiveSolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livesolve",
        abstract: "Keeps optimization models solved live.",
        subcommands: [ServeCommand.self, SolveCommand.self, WorkerCommand.self, BenchCommand.self]
    )
}
