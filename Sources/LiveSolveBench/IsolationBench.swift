import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel

/// `livesolve bench w4`: a small model's W1 traffic and a ping loop, first with a big model idle,
/// then while the big model's multi-second cold solve runs (WORKLOAD.md W4).
struct IsolationBench: NetworkBench {
    static let configuration = CommandConfiguration(
        commandName: "w4",
        abstract: "W4: ping and small-model latency while a multi-second solve runs on another model."
    )

    @Option(help: "The small model's stream.")
    var stream = "Benchmarks/streams/afiro.jsonl.gz"

    @Option(help: "The big model, whose cold solve takes seconds.")
    var big = "Benchmarks/data/netlib/dfl001.mps.gz"

    @OptionGroup var network: NetworkBenchOptions

    @Option(help: "Steps of small-model traffic in each phase.")
    var steps = 200

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    func measure() async throws {
        let bench = try await setUp(streamPath: stream, network: network)
        defer { bench.server.stop() }
        let (stream, server, small, smallID) = (bench.stream, bench.server, bench.client, bench.model)
        let pinger = try await server.connect(), bigClient = try await server.connect()

        var seq = 0
        func phase() async throws -> (latency: [Double], ping: [Double]) {
            let updates = Array(stream.steps.dropFirst(seq).prefix(steps)).map(\.update)
            let (port, base, token) = (server.port, seq, server.token)
            async let samples = ClosedLoop.run(port: port, token: token, model: smallID, updates: updates, baseSeq: base)
            async let pingTimes = ClosedLoopDriver.run(port: port, token: token, messages: Array(repeating: #"{"op":"ping"}"#, count: steps)) { reply, _ in
                reply["type"] == .string("pong")
            }.map(\.latencyMicros)
            let result = (try await samples.map(\.latencyMicros), try await pingTimes)
            seq += updates.count
            return result
        }

        let idle = try await phase()
        // The big model's first solve starts at once and runs for seconds on one worker.
        let bigID = try await server.create(modelFile: big, on: bigClient)
        let busy = try await phase()
        let stillSolving = await bigClient.request(#"{"op":"get","id":1,"model":"\#(bigID)"}"#, within: 0.001) == nil
        BenchOutput.print(name: "W4 \(stream.name) beside \(ModelFile.baseName(big))", figures: [
            ("idle_p50_us", percentile(idle.latency, 50)), ("idle_p99_us", percentile(idle.latency, 99)),
            ("busy_p50_us", percentile(busy.latency, 50)), ("busy_p99_us", percentile(busy.latency, 99)),
            ("ping_idle_p50_us", percentile(idle.ping, 50)), ("ping_idle_p99_us", percentile(idle.ping, 99)),
            ("ping_busy_p50_us", percentile(busy.ping, 50)), ("ping_busy_p99_us", percentile(busy.ping, 99)),
            ("big_still_solving", stillSolving ? 1 : 0),
        ], json: network.json)
        for client in [small, pinger, bigClient] { client.close() }
    }
}
