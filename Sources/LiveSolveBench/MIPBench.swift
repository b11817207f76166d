import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel

/// `livesolve bench mip`: a price feed on an integer model, through the server.
///
/// Closed loop, one step at a time: each update's time to the first solution within 1 % of its
/// final objective and to its final solution, warm (the model kept, solved from its incumbent)
/// beside cold (the same state created as a new model, so CBC starts from nothing). Then open
/// loop at `--rate`: the latency of each update to the first solution that includes it (an
/// incumbent or the final one) and to the first final one, on a server that preempts stale
/// solves and on one that does not.
struct MIPBench: NetworkBench {
    static let configuration = CommandConfiguration(
        commandName: "mip",
        abstract: "A price feed on a MIP: time to an incumbent within 1 % and to the final solution, warm and cold; preemption at a rate."
    )

    @Option(help: "An integer model file, e.g. Benchmarks/mip/knapsack30.lp.")
    var model: String

    @Option(help: "Its price stream, e.g. Benchmarks/mip/knapsack30.jsonl.")
    var stream: String

    @Option(help: "Run only the first N steps.")
    var steps: Int?

    @Option(help: "Updates per second of the open-loop part (0 skips it).")
    var rate: Double = 10

    @Option(help: "solve.mipGap of the servers.")
    var mipGap: Double = 1e-4

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be a number ≥ 0") }
        guard mipGap >= 0, mipGap <= 1 else { throw ValidationError("--mip-gap: expected a number from 0 to 1") }
    }

    func measure() async throws {
        let stream = try PriceStream.read(self.stream)
        let base = try ModelFile.read(model)
        guard base.program.integerCount > 0 else { throw ValidationError("\(model) has no integer variable: use w1 for linear programs") }
        let chosen = Array(stream.steps.prefix(steps ?? stream.steps.count))
        let gap = ["--solve-mip-gap", "\(mipGap)", "--solve-incumbent-millis", "0"]

        let server = try BenchServer(url: nil, workers: 1, extraArguments: gap)
        defer { server.stop() }
        let client = try await server.connect()
        let id = try await server.create(modelFile: model, on: client)
        _ = await client.request(#"{"op":"subscribe","model":"\#(id)"}"#)
        _ = try await finalSolution(of: id, seq: 0, on: client, since: Date())

        var warm: [StepTimes] = [], cold: [StepTimes] = [], wrong = 0
        var state = base
        let resolver = UpdateResolver(model: base)
        for step in chosen {
            let sent = Date()
            client.send(ClosedLoop.message(model: id, update: step.update))
            let times = try await finalSolution(of: id, seq: warm.count + 1, on: client, since: sent)
            warm.append(times)
            if !withinGap(times.objective, step.expect) { wrong += 1 }
            state.apply(try resolver.resolve(step.update))
            cold.append(try await coldSolve(of: state, on: client))
        }
        var figures: [(String, Double)] = [
            ("steps", Double(warm.count)), ("wrong", Double(wrong)),
            ("warm_1pct_p50_ms", percentile(warm.map(\.toWithinOnePercent), 50)),
            ("warm_final_p50_ms", percentile(warm.map(\.toFinal), 50)),
            ("cold_1pct_p50_ms", percentile(cold.map(\.toWithinOnePercent), 50)),
            ("cold_final_p50_ms", percentile(cold.map(\.toFinal), 50)),
            ("warm_over_cold", percentile(warm.map(\.toFinal), 50) / max(percentile(cold.map(\.toFinal), 50), 1e-9)),
        ]
        client.close()
        server.stop()
        if rate > 0 {
            for preempt in [true, false] {
                let (first, final) = try await openLoop(updates: chosen.map(\.update), preempt: preempt, extraArguments: gap)
                let name = preempt ? "preempt" : "no_preempt"
                figures += [
                    ("\(name)_first_p50_ms", percentile(first, 50)), ("\(name)_first_max_ms", percentile(first, 100)),
                    ("\(name)_final_p50_ms", percentile(final, 50)), ("\(name)_final_max_ms", percentile(final, 100)),
                ]
            }
        }
        BenchOutput.print(name: "MIP \(stream.name)", figures: figures, json: json)
        if wrong > 0 { throw ExitCode(4) }
    }

    /// One update's times, in milliseconds from its sending.
    struct StepTimes {
        var toWithinOnePercent: Double
        var toFinal: Double
        var objective: Double
    }

    /// Reads solutions until the final one of `seq`; the first within 1 % of its objective is
    /// found among those seen on the way.
    private func finalSolution(of model: String, seq: Int, on client: QueuedStreamClient, since sent: Date) async throws -> StepTimes {
        var seen: [(ms: Double, objective: Double)] = []
        while let message = await client.next(within: 600) {
            if case .string("error")? = message["type"] { throw ModelFile.Failure(description: "server error: \(JSONWriter.string(message))") }
            guard case .string("solution")? = message["type"], message["model"] == .string(model),
                  case .number(let s)? = message["seq"], Int(s) >= seq else { continue }
            let ms = Date().timeIntervalSince(sent) * 1000
            guard case .number(let objective)? = message["objective"] else {
                if message["final"] != .bool(false) { throw ModelFile.Failure(description: "seq \(seq) ended \(message["status"].map(JSONWriter.string) ?? "?")") }
                continue
            }
            seen.append((ms, objective))
            guard message["final"] != .bool(false) else { continue }
            let close = seen.first { abs($0.objective - objective) <= 0.01 * max(abs(objective), 1e-9) }!
            return StepTimes(toWithinOnePercent: close.ms, toFinal: ms, objective: objective)
        }
        throw ModelFile.Failure(description: "no final solution of seq \(seq) within 600 s")
    }

    /// The same state as a model of its own, solved from nothing; deleted after.
    private func coldSolve(of state: Model, on client: QueuedStreamClient) async throws -> StepTimes {
        let document = JSONWriter.string(JSONModelWriter.document(state))
        let sent = Date()
        guard let reply = await client.request(#"{"op":"create","model":\#(document)}"#, within: 60), case .string(let id)? = reply["model"] else {
            throw ModelFile.Failure(description: "cannot create the cold copy")
        }
        _ = await client.request(#"{"op":"subscribe","model":"\#(id)"}"#)
        let times = try await finalSolution(of: id, seq: 0, on: client, since: sent)
        _ = await client.request(#"{"op":"unsubscribe","model":"\#(id)"}"#)
        return times
    }

    /// Sends every update at `rate` on a fresh server, and times each to the first solution
    /// whose seq includes it and to the first final one (in milliseconds).
    private func openLoop(updates: [JSON], preempt: Bool, extraArguments: [String]) async throws -> (first: [Double], final: [Double]) {
        let server = try BenchServer(url: nil, workers: 1, extraArguments: extraArguments + ["--solve-preempt", "\(preempt)"])
        defer { server.stop() }
        let client = try await server.connect()
        let id = try await server.create(modelFile: model, on: client)
        _ = await client.request(#"{"op":"subscribe","model":"\#(id)"}"#)
        _ = try await finalSolution(of: id, seq: 0, on: client, since: Date())
        let start = Date()
        let sender = Task {
            for (i, update) in updates.enumerated() {
                let due = start.addingTimeInterval(Double(i) / rate)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                client.send(ClosedLoop.message(model: id, update: update))
            }
        }
        var first: [Double] = [], final: [Double] = []
        func sentAt(_ i: Int) -> Date { start.addingTimeInterval(Double(i) / rate) }
        while final.count < updates.count, let message = await client.next(within: 600) {
            guard case .string("solution")? = message["type"], message["model"] == .string(id),
                  case .number(let s)? = message["seq"] else { continue }
            let now = Date(), seq = min(Int(s), updates.count)
            while first.count < seq { first.append(now.timeIntervalSince(sentAt(first.count)) * 1000) }
            guard message["final"] != .bool(false) else { continue }
            while final.count < seq { final.append(now.timeIntervalSince(sentAt(final.count)) * 1000) }
        }
        try await sender.value
        client.close()
        guard final.count == updates.count else { throw ModelFile.Failure(description: "only \(final.count) of \(updates.count) updates were answered") }
        return (first, final)
    }

    /// A final objective is right when the optimum is within the gap of it.
    private func withinGap(_ objective: Double, _ expect: Double) -> Bool {
        abs(objective - expect) <= mipGap * max(abs(expect), 1e-10) + 1e-9
    }
}
