import ArgumentParser
import CommandSupport
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

    @Flag(help: "After each stream step, a bounds step: 20 upper bounds of inequality rows and columns loosened by up to 5 % of their values in the model (seeded). Objectives are then checked against the first run's.")
    var boundsFeed = false

    @Flag(help: "Run W1 three times, side by side: fixed primal, the adaptive policy, the adaptive policy with racing.")
    var compareStrategies = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if broker != nil, network.url != nil { throw ValidationError("--broker starts servers of its own: it does not take --url") }
        guard brokerWorkers >= 1 else { throw ValidationError("--broker-workers must be at least 1") }
        if compareStrategies, compareRanging { throw ValidationError("--compare-strategies and --compare-ranging: one comparison at a time") }
        if compareStrategies, network.url != nil { throw ValidationError("--compare-strategies starts servers of its own: it does not take --url") }
    }

    func measure() async throws {
        if compareRanging {
            try await measure(label: " ranging", ranging: true).failIfWrong()
            try await measure(label: " no ranging", ranging: false).failIfWrong()
        } else if compareStrategies {
            // The fast path off: every step is a solve, whose strategy is what is compared. Every
            // run is reported before a disagreement fails the command.
            let fixed = try await measure(label: " primal", workers: 2, ranging: false,
                                          extraArguments: ["--solve-strategy", "primal", "--solve-race-width", "1"])
            let adaptive = try await measure(label: " adaptive", workers: 2, ranging: false, reference: fixed.objectives,
                                             extraArguments: ["--solve-strategy", "adaptive", "--solve-race-width", "1"])
            let racing = try await measure(label: " adaptive+racing", workers: 2, ranging: false, reference: fixed.objectives,
                                           extraArguments: ["--solve-strategy", "adaptive", "--solve-race-width", "3"])
            if fixed.wrong + adaptive.wrong + racing.wrong > 0 { throw ExitCode(4) }
        } else {
            try await measure(label: "").failIfWrong()
        }
        guard let broker else { return }
        // The same run through remote workers: a server with no local pool, and workers that
        // join it through the broker (the first solve waits for the first of them).
        let workers = try RemoteWorkerProcesses(broker: broker, count: brokerWorkers)
        defer { workers.stop() }
        try await measure(label: " remote×\(brokerWorkers)", workers: 0, extraArguments: ["--broker-url", broker]).failIfWrong()
    }

    /// One W1 run; returns its objectives and how many were wrong. With `reference` an
    /// objective is wrong when it differs from the reference run's at the same step, else
    /// when it differs from the stream's `expect` (none with a bounds feed).
    private func measure(label: String, workers: Int = 2, ranging: Bool? = nil, reference: [Double?]? = nil,
                         extraArguments: [String] = []) async throws -> Run {
        let bench = try await setUp(streamPath: stream, modelPath: model, network: network, workers: workers, ranging: ranging,
                                    extraArguments: extraArguments)
        defer { bench.server.stop() }
        let (stream, server, client, id) = (bench.stream, bench.server, bench.client, bench.model)
        let chosen = Array(stream.steps.prefix(steps ?? stream.steps.count))
        var updates = chosen.map(\.update)
        var expects: [Double?] = chosen.map(\.expect)
        if boundsFeed {
            let feed = try BoundsFeed(model: ModelFile.read(model ?? SolverBench.defaultModelPath(source: stream.source, stream: self.stream)),
                                      steps: chosen.count)
            updates = zip(updates, feed.updates).flatMap { [$0, $1] }
            // The stream's expects hold for its costs alone: with bounds moved, only another run checks.
            expects = Array(repeating: nil, count: updates.count)
        }
        let samples = try await ClosedLoop.run(port: server.port, token: server.token, model: id, updates: updates, baseSeq: 0)
        var latencies: [Double] = [], solves: [Double] = [], overheads: [Double] = [], wrong = 0
        for (index, sample) in samples.enumerated() {
            latencies.append(sample.latencyMicros)
            solves.append(sample.solveMicros)
            overheads.append(sample.latencyMicros - sample.solveMicros)
            if let reference {
                // No objective (an infeasible step) must be none in both.
                let agree = switch (sample.objective, reference[index]) {
                case (nil, nil): true
                case let (a?, b?): PriceStream.matches(a, b)
                default: false
                }
                if !agree {
                    wrong += 1
                    FileHandle.standardError.write(Data("step \(index + 1): objective \(sample.objective.map { "\($0)" } ?? "none"), the first run's \(reference[index].map { "\($0)" } ?? "none")\n".utf8))
                }
            } else if let expect = expects[index], !PriceStream.matches(sample.objective ?? .nan, expect) {
                wrong += 1
            }
        }
        client.close()
        var figures: [(String, Double)] = [
            ("steps", Double(latencies.count)), ("wrong", Double(wrong)),
            ("p50_us", percentile(latencies, 50)), ("p90_us", percentile(latencies, 90)), ("p99_us", percentile(latencies, 99)),
            ("solve_p50_us", percentile(solves, 50)), ("overhead_p50_us", percentile(overheads, 50)),
            ("overhead_p99_us", percentile(overheads, 99)),
            // The steps the ranging fast path answered, without a solve, in percent.
            ("ranging_percent", samples.isEmpty ? 0 : 100 * Double(samples.filter(\.isRanging).count) / Double(samples.count)),
        ]
        if boundsFeed {
            // The stream's cost steps and the bounds steps between them, apart.
            let costSteps: [Double] = stride(from: 0, to: latencies.count, by: 2).map { latencies[$0] }
            let boundsSteps: [Double] = stride(from: 1, to: latencies.count, by: 2).map { latencies[$0] }
            figures.append(("cost_steps_p50_us", percentile(costSteps, 50)))
            figures.append(("bounds_steps_p50_us", percentile(boundsSteps, 50)))
        }
        BenchOutput.print(name: "W1 \(stream.name)\(boundsFeed ? " +bounds" : "")\(label)", figures: figures, json: network.json)
        if compareStrategies, !network.json {
            // What the policy learnt and which strategies won races: the why of the figures.
            let strategies = server.get("/v1/models/\(id)").flatMap { try? JSONParser.parse($0)["strategies"] }
            let wins = (server.get("/metrics") ?? "").split(separator: "\n").filter { $0.hasPrefix("livesolve_race") }
            Swift.print("  strategies \(strategies.map { JSONWriter.string($0) } ?? "?")")
            for line in wins { Swift.print("  \(line)") }
        }
        return Run(objectives: samples.map(\.objective), wrong: wrong)
    }

    struct Run {
        var objectives: [Double?]
        var wrong: Int

        /// Exit status 4 when an objective was wrong.
        func failIfWrong() throws { if wrong > 0 { throw ExitCode(4) } }
    }
}

/// W1's added bounds feed: per step, up to 20 upper bounds, of inequality rows and of columns
/// (finite and nonzero), loosened by up to 5 % of their values in the model, from a fixed seed,
/// so every run sends the same updates. Loosening only: the model stays feasible, while binding
/// bounds move the optimum. (dfl001's rows are all equalities: its feed moves its 13 column bounds.)
struct BoundsFeed {
    var updates: [JSON]

    init(model: Model, steps: Int) throws {
        let program = model.program
        let rows = (0..<model.rowCount).filter {
            program.rowUpper[$0].isFinite && program.rowUpper[$0] != 0 && program.rowLower[$0] != program.rowUpper[$0]
        }
        let columns = (0..<model.columnCount).filter { program.columnUpper[$0].isFinite && program.columnUpper[$0] != 0 }
        // Rows as 0..<rows.count, columns after them.
        let count = rows.count + columns.count
        guard count > 0 else { throw ModelFile.Failure(description: "--bounds-feed: the model has no finite nonzero upper bound on an inequality row or a column") }
        // Seed 1: the state the feed was measured with.
        var random = SeededRandom(seed: 1)
        func loosened(_ upper: Double) -> JSON { .object([("upper", .number(upper + abs(upper) * Double(random.next(6)) / 100))]) }
        updates = (0..<steps).map { _ in
            var picked = Set<Int>()
            while picked.count < min(20, count) { picked.insert(random.next(count)) }
            var rowBounds: [(key: String, value: JSON)] = [], columnBounds: [(key: String, value: JSON)] = []
            for index in picked.sorted() {
                if index < rows.count {
                    rowBounds.append((model.rows[rows[index]], loosened(program.rowUpper[rows[index]])))
                } else {
                    let column = columns[index - rows.count]
                    columnBounds.append((model.columns[column], loosened(program.columnUpper[column])))
                }
            }
            return .object((rowBounds.isEmpty ? [] : [("rowBounds", .object(rowBounds))])
                + (columnBounds.isEmpty ? [] : [("colBounds", .object(columnBounds))]))
        }
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
