import ArgumentParser

/// `livesolve bench …`: the benchmarks of bench/WORKLOAD.md.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the benchmarks of bench/WORKLOAD.md.",
        subcommands: [SolverBench.self, LatencyBench.self, OpenLoopBench.self, FanoutBench.self, IsolationBench.self, MIPBench.self, ThroughputBench.self]
    )

    public init() {}
}
