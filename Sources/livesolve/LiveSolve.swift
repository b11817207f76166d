import ArgumentParser

/// The `livesolve` executable: solve, worker and bench (the server arrives with `serve`).
@main
struct LiveSolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livesolve",
        abstract: "Keeps optimization models solved live.",
        subcommands: [SolveCommand.self, WorkerCommand.self, BenchCommand.self]
    )
}
