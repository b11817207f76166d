import ArgumentParser
import Foundation
import LiveSolveModel

/// `livesolve bench w1`: closed-loop latency over the WebSocket protocol (WORKLOAD.md W1).
struct LatencyBench: NetworkBench {
    static let configuration = CommandConfiguration(
        commandName: "w1",
        abstract: "W1: send each update, wait for the solution that includes it; latency percentiles."
    )

    @Option(help: "A stream file, e.g. Benchmarks/streams/afiro.jsonl.gz.")
    var stream: String

    @Option(help: "The model file (default: the stream header's source).")
    var model: String?

    @OptionGroup var network: NetworkBenchOptions

    @Option(help: "Run only the first N steps.")
    var steps: Int?

    @Option(help: "Then run W1 again on a server with no local pool and --broker-workers remote workers through this RabbitMQ broker (amqp://USER:PASS@HOST:PORT/VHOST).")
    var broker: String?

    @Option(help: "With --broker: how many `livesolve worker --broker` processes to start.")
    var brokerWorkers = 1

    @Flag(help: "Run W1 twice, side by side: with the ranging fast path, then without.")
    var compareRanging = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if broker != nil, network.url != nil { throw ValidationError("--broker starts servers of its own: it does not take --url") }
        guard brokerWorkers >= 1 else { throw ValidationError("--broker-workers must be at least 1") }
    }

    func measure() async throws {
        if compareRanging {
            try await measure(label: " ranging", ranging: true)
            try await measure(label: " no ranging", ranging: false)
        } else {
            try await measure(label: "")
        }
        guard let broker else { return }
        // The same run through remote workers: a server with no local pool, and workers that
        // join it through the broker (the first solve waits for the first of them).
        let workers = try RemoteWorkerProcesses(broker: broker, count: brokerWorkers)
        defer { workers.stop() }
        try await measure(label: " remote×\(brokerWorkers)", workers: 0, extraArguments: ["--broker-url", broker])
    }

    private func measure(label: String, workers: Int = 2, ranging: Bool? = nil, extraArguments: [String] = []) async throws {
        let bench = try await setUp(streamPath: stream, modelPath: model, network: network, workers: workers, ranging: ranging,
                                    extraArguments: extraArguments)
        defer { bench.server.stop() }
        let (stream, server, client, id) = (bench.stream, bench.server, bench.client, bench.model)
        let chosen = Array(stream.steps.prefix(steps ?? stream.steps.count))
        let samples = try await ClosedLoop.run(port: server.port, token: server.token, model: id, updates: chosen.map(\.update), baseSeq: 0)
        var latencies: [Double] = [], solves: [Double] = [], overheads: [Double] = [], wrong = 0
        for (sample, step) in zip(samples, chosen) {
            latencies.append(sample.latencyMicros)
            solves.append(sample.solveMicros)
            overheads.append(sample.latencyMicros - sample.solveMicros)
            if !PriceStream.matches(sample.objective ?? .nan, step.expect) { wrong += 1 }
        }
        client.close()
        let figures: [(String, Double)] = [
            ("steps", Double(latencies.count)), ("wrong", Double(wrong)),
            ("p50_us", percentile(latencies, 50)), ("p90_us", percentile(latencies, 90)), ("p99_us", percentile(latencies, 99)),
            ("solve_p50_us", percentile(solves, 50)), ("overhead_p50_us", percentile(overheads, 50)),
            ("overhead_p99_us", percentile(overheads, 99)),
            // The steps the ranging fast path answered, without a solve, in percent.
            ("ranging_percent", samples.isEmpty ? 0 : 100 * Double(samples.filter(\.isRanging).count) / Double(samples.count)),
        ]
        BenchOutput.print(name: "W1 \(stream.name)\(label)", figures: figures, json: network.json)
        if wrong > 0 { throw ExitCode(4) }
    }
}

/// Prints a figure list as aligned text or one JSON object.
enum BenchOutput {
    static func print(name: String, figures: [(String, Double)], json: Bool) {
        if json {
            Swift.print(JSONWriter.string(.object([("bench", .string(name))] + figures.map { ($0.0, JSON.number(rounded($0.1, 1))) })))
        } else {
            Swift.print(name)
            let width = max(20, figures.map(\.0.count).max() ?? 0)
            for (key, value) in figures { Swift.print("  \(key.padding(toLength: width, withPad: " ", startingAt: 0)) \(rounded(value, 1))") }
        }
    }
}
