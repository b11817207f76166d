import ArgumentParser
import CommandSupport
import CSupport
import Foundation
import LiveSolveClient
import LiveSolveModel

#if canImport(Glibc)
import Glibc
#endif

/// `livesolve bench throughput`: solves per second over many small models, each round one
/// update to every model sent at once, against the number of remote workers.
struct ThroughputBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Solves per second over many copies of a small model, through 1 to N remote workers (and the local pipe pool for reference)."
    )

    @Option(help: "A RabbitMQ broker, amqp://USER:PASS@HOST:PORT/VHOST; the bench starts its own `livesolve worker --broker` processes there.")
    var broker: String

    @Option(help: "The stream whose model is copied and whose steps feed every copy.")
    var stream = "Benchmarks/streams/afiro.jsonl.gz"

    @Option(help: "How many copies of the model.")
    var copies = 200

    @Option(help: "Rounds: in each, every copy gets the stream's next update.")
    var rounds = 5

    @Option(help: "The largest number of remote workers to measure; every count from 1 up is run.")
    var maxWorkers = 4

    @Option(help: "Local pipe workers of the reference run (0: none).")
    var pipeWorkers = 2

    @Flag(help: "Print one JSON object per run.")
    var json = false

    func validate() throws {
        guard copies >= 1 else { throw ValidationError("--copies must be at least 1") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard (1...16).contains(maxWorkers) else { throw ValidationError("--max-workers must be between 1 and 16") }
        guard pipeWorkers >= 0 else { throw ValidationError("--pipe-workers must be at least 0") }
    }

    func run() throws {
        try runBlocking { [self] in try await measureAll() }
    }

    private func measureAll() async throws {
        let stream = try PriceStream.read(self.stream)
        guard stream.steps.count >= rounds else {
            throw ValidationError("--rounds \(rounds): \(self.stream) has only \(stream.steps.count) steps")
        }
        let modelPath = SolverBench.defaultModelPath(source: stream.source, stream: self.stream)
        var oneWorker: Double?
        if pipeWorkers > 0 {
            // Solves per second: every update solved, none answered by ranging.
            let server = try BenchServer(url: nil, workers: pipeWorkers, extraArguments: ["--solve-ranging-fast-path", "false"])
            defer { server.stop() }
            let rate = try await measure(on: server, stream: stream, modelPath: modelPath)
            report("throughput \(stream.name) ×\(copies) pipes×\(pipeWorkers)", rate: rate, ratio: nil)
        }
        for count in 1...maxWorkers {
            let workers = try RemoteWorkerProcesses(broker: broker, count: count)
            defer { workers.stop() }
            let server = try BenchServer(url: nil, workers: 0, extraArguments: ["--broker-url", broker, "--solve-ranging-fast-path", "false"])
            defer { server.stop() }
            try await server.waitForMetric("livesolve_remote_workers", toReach: Double(count))
            let rate = try await measure(on: server, stream: stream, modelPath: modelPath)
            if count == 1 { oneWorker = rate }
            report("throughput \(stream.name) ×\(copies) remote×\(count)", rate: rate, ratio: oneWorker.map { rate / $0 })
        }
    }

    /// Creates the copies and waits for their first solutions, then times the rounds: every
    /// copy's update sent at once, then every solution that includes it. Solves per second.
    private func measure(on server: BenchServer, stream: PriceStream, modelPath: String) async throws -> Double {
        let client = try await server.connect()
        defer { client.close() }
        var models: [String] = []
        for _ in 0..<copies { models.append(try await server.create(modelFile: modelPath, on: client)) }
        let position = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        for model in models { client.send(#"{"op":"subscribe","model":"\#(model)"}"#) }
        try await awaitSolutions(of: position, seq: 0, expect: nil, on: client)
        let start = DispatchTime.now().uptimeNanoseconds
        for (round, step) in stream.steps.prefix(rounds).enumerated() {
            for model in models { client.send(ClosedLoop.message(model: model, update: step.update)) }
            try await awaitSolutions(of: position, seq: round + 1, expect: step.expect, on: client)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(copies * rounds) / seconds
    }

    /// Waits until every model has a solution with `seq`, each objective `expect` when given.
    private func awaitSolutions(of position: [String: Int], seq: Int, expect: Double?, on client: QueuedStreamClient) async throws {
        var solved = [Bool](repeating: false, count: position.count), left = position.count
        while left > 0 {
            guard let message = await client.next(within: 120) else {
                throw ModelFile.Failure(description: "\(left) of \(position.count) models had no solution with seq \(seq) within 120 s")
            }
            if message["type"] == .string("error") { throw ModelFile.Failure(description: "server error: \(message)") }
            guard message["type"] == .string("solution"), message["seq"] == .number(Double(seq)),
                  case .string(let model)? = message["model"], let index = position[model], !solved[index] else { continue }
            let objective: Double = if case .number(let value)? = message["objective"] { value } else { .nan }
            if let expect, !PriceStream.matches(objective, expect) {
                throw ModelFile.Failure(description: "\(model) seq \(seq): objective \(objective), expected \(expect)")
            }
            solved[index] = true
            left -= 1
        }
    }

    private func report(_ name: String, rate: Double, ratio: Double?) {
        BenchOutput.print(name: name, figures: [("solves", Double(copies * rounds)), ("solves_per_s", rate)]
                          + (ratio.map { [("ratio_to_one_remote", $0)] } ?? []), json: json)
    }
}

/// `livesolve worker --broker` children of a bench, each with a name of its own.
struct RemoteWorkerProcesses {
    private let processes: [Process]

    init(broker: String, count: Int) throws {
        let tag = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        processes = try (0..<count).map { index in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try WorkerRunner.ownExecutable())
            process.arguments = ["worker", "--broker", broker, "--name", "\(tag)-\(index)"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
    }

    /// SIGTERM: each ends after its current request.
    func stop() {
        processes.forEach { $0.terminate() }
        processes.forEach { $0.waitUntilExit() }
    }
}
