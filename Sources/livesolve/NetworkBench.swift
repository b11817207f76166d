import ArgumentParser

/// Options every benchmark over the WebSocket protocol takes.
struct NetworkBenchOptions: ParsableArguments {
    @Option(help: "A running server, e.g. ws://127.0.0.1:8080 (default: start one).")
    var url: String?

    @Flag(help: "Print one JSON object.")
    var json = false
}

/// A benchmark over the WebSocket protocol: its async `measure` runs from the synchronous command.
protocol NetworkBench: ParsableCommand, Sendable {
    func measure() async throws
}

extension NetworkBench {
    func run() throws {
        try runBlocking { [self] in try await measure() }
    }
}
