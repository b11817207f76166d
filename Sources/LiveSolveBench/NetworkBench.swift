import ArgumentParser
import CommandSupport
import LiveSolveClient

/// Options every benchmark over the WebSocket protocol takes.
struct NetworkBenchOptions: ParsableArguments {
    @Option(help: "A running server, e.g. ws://127.0.0.1:8080 (default: start one).")
    var url: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "storage.durability of the server the bench starts: sync, async or off.")
    var storageDurability = "off"

    @Flag(help: "Start the server with a tokens file, and send a token on every connection (or give --token for --url).")
    var auth = false

    @Option(help: "The token to send to a server at --url that has tokens.")
    var token: String?

    @Option(help: "solve.rangingFastPath of the server the bench starts: true or false.")
    var rangingFastPath = true

    func validate() throws {
        guard ["sync", "async", "off"].contains(storageDurability) else {
            throw ValidationError("--storage-durability: expected sync, async or off, found \(storageDurability)")
        }
    }
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

/// A benchmark's server with the stream's model created on it, and the client that created it.
struct BenchSetup {
    let stream: PriceStream
    let server: BenchServer
    let client: QueuedStreamClient
    let model: String
}

extension NetworkBench {
    /// Reads the stream, starts a server (or takes `--url`) and creates the stream's model
    /// (`modelPath`, or the stream header's source). The caller stops the server.
    /// `ranging` overrides `--ranging-fast-path`.
    func setUp(streamPath: String, modelPath: String? = nil, network: NetworkBenchOptions, workers: Int = 2,
               ranging: Bool? = nil, extraArguments: [String] = []) async throws -> BenchSetup {
        let stream = try PriceStream.read(streamPath)
        let server = try BenchServer(url: network.url, workers: workers, token: network.token, withTokens: network.auth,
                                     extraArguments: ["--storage-durability", network.storageDurability,
                                                      "--solve-ranging-fast-path", "\(ranging ?? network.rangingFastPath)"] + extraArguments)
        do {
            let client = try await server.connect()
            let path = modelPath ?? SolverBench.defaultModelPath(source: stream.source, stream: streamPath)
            let model = try await server.create(modelFile: path, on: client)
            return BenchSetup(stream: stream, server: server, client: client, model: model)
        } catch {
            server.stop()
            throw error
        }
    }
}
