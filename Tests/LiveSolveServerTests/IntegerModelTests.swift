import Foundation
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Integer models through the real server, its worker processes and CBC (PROTOCOL.md, "Integer models").
@Suite(.serialized) struct IntegerModelTests {
    /// The small MIPs' known optima, created in every format, read by `get` and REST.
    @Test func smallMIPsReachTheirKnownOptimaThroughTheServer() async throws {
        let server = try await TestServer.start {
            $0.mipGap = 0
        }
        let client = try await server.connect()
        let optima: [(name: String, status: String, objective: Double)] = [
            ("knapsack", "optimal", 36), ("facility", "optimal", 446), ("setcover", "optimal", 20),
            ("lotsizing", "optimal", 1070), ("infeasible", "infeasible", 0),
        ]
        for known in optima {
            for format in ModelFormat.allCases {
                let text = try TestData.text(TestData.repositoryRoot.appendingPathComponent("Tests/mip/models/\(known.name).\(format.rawValue)"))
                let create = format == .json
                    ? #"{"op":"create","model":\#(text)}"#
                    : #"{"op":"create","format":"\#(format.rawValue)","text":\#(JSONWriter.quoted(text))}"#
                let created = try #require(await client.request(create))
                let model = try #require(created["model"]?.string, "\(known.name).\(format.rawValue): \(created)")
                // Duals and reduced costs may be asked for; an integer model never sends them.
                let solution = try #require(await client.request(#"{"op":"get","id":1,"model":"\#(model)","fields":["values","duals","reducedCosts","rowActivities"]}"#))
                #expect(solution["type"] == .string("solution"))
                #expect(solution["final"] == .bool(true))
                #expect(solution["status"] == .string(known.status), "\(known.name).\(format.rawValue)")
                #expect(solution["duals"] == nil && solution["reducedCosts"] == nil)
                #expect(solution["stats"]?["algorithm"] == .string("branch_and_cut"))
                #expect(solution["stats"]?["nodes"]?.number != nil && solution["stats"]?["incumbents"]?.number != nil)
                guard known.status == "optimal" else {
                    #expect(solution["values"] == nil && solution["bound"] == nil && solution["gap"] == nil)
                    continue
                }
                #expect(solution["objective"] == .number(known.objective), "\(known.name).\(format.rawValue)")
                #expect(solution["gap"] == .number(0))
                #expect(solution["bound"]?.number.map { abs($0 - known.objective) <= 1e-6 } == true)
                #expect(solution["values"] != nil && solution["rowActivities"] != nil)
                let (status, rest) = try await server.json("GET", "/v1/models/\(model)/solution")
                #expect(status == 200 && rest["final"] == .bool(true) && rest["objective"] == .number(known.objective))
                #expect(rest["duals"] == nil && rest["values"] != nil)
                let (_, entry) = try await server.json("GET", "/v1/models/\(model)")
                #expect((entry["integerColumns"]?.number ?? 0) > 0)
            }
        }
        client.close()
        await server.stop()
    }

    /// A price feed on a MIP whose optimum moves: each update's final solution is optimal
    /// within the gap of HiGHS's optimum, has that update's seq, and started warm.
    @Test func aPriceFeedOnAnIntegerModelEndsEveryStepOptimal() async throws {
        let server = try await TestServer.start(workers: 1)
        let text = try TestData.benchmarkText("mip/knapsack30.lp")
        let (_, created) = try await server.http("POST", "/v1/models", body: text, contentType: "text/x-lp")
        let model = try #require(try JSONParser.parse(created)["model"]?.string)
        let stream = try TestData.mipStream("knapsack30")
        for (i, step) in stream.steps.prefix(6).enumerated() {
            let (status, solution) = try await server.json("POST", "/v1/models/\(model)/updates?wait=true", body: JSONWriter.string(step.update))
            #expect(status == 200)
            #expect(solution["seq"] == .number(Double(i + 1)))
            #expect(solution["final"] == .bool(true) && solution["status"] == .string("optimal"))
            #expect(solution["stats"]?["warmStart"] == .bool(true))
            let objective = try #require(solution["objective"]?.number)
            #expect(objective <= step.expect + 1e-9 && objective >= step.expect * (1 - 1e-4) - 1e-9, "step \(i + 1)")
        }
        await server.stop()
    }

    /// While a solve of seconds runs, a subscriber gets its improving incumbents (`final: false`,
    /// the gap never widening), then one `final: true`; what it rebuilt from the deltas is the
    /// full solution REST gives.
    @Test func incumbentsStreamWhileTheSolveRunsThenTheFinalSolution() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.incumbentMillis = 0
            $0.mipGap = 0
        }
        let client = try await server.connect()
        let model = try await createSlowKnapsack(on: client)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)","fields":["values","rowActivities"]}"#)
        var view = ReconstructedSolution()
        var incumbents: [JSON] = []
        var final: JSON?
        while final == nil, let message = await client.next(within: 60) {
            guard message["type"] == .string("solution") else { continue }
            view.apply(message)
            if message["final"] == .bool(false) { incumbents.append(message) } else { final = message }
        }
        let last = try #require(final)
        #expect(incumbents.count >= 2, "incumbents: \(incumbents.count)")
        for message in incumbents {
            #expect(message["status"] == .string("feasible") && message["seq"] == .number(0))
            #expect(message["bound"] != nil && message["gap"] != nil && message["values"] != nil)
        }
        let gaps = (incumbents + [last]).compactMap { $0["gap"]?.number }
        #expect(gaps.count == incumbents.count + 1)
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0 >= $1 }, "gaps \(gaps)")
        #expect(last["status"] == .string("optimal") && last["objective"] == .number(1322))
        // Each incumbent better than the one before (maximising).
        let objectives = incumbents.compactMap { $0["objective"]?.number }
        #expect(zip(objectives, objectives.dropFirst()).allSatisfy { $0 < $1 })
        let (_, full) = try await server.json("GET", "/v1/models/\(model)/solution")
        #expect(view.equals(full, fields: ["values", "rowActivities"]))
        let (_, metrics) = try await server.http("GET", "/metrics")
        #expect(metrics.contains("livesolve_incumbents_total \(incumbents.count)"))
        client.close()
        await server.stop()
    }

    /// An update sent while a long solve runs is solved at once when it stops that solve, and
    /// waits for it otherwise: measured both ways, as the time from the update to its final
    /// solution less that solution's own solve (which varies with the machine's load).
    @Test func anUpdatePreemptsTheRunningSolveAndIsAnsweredSooner() async throws {
        let preempted = try await latencyOfAnUpdateDuringTheFirstSolve(preempt: true)
        let waited = try await latencyOfAnUpdateDuringTheFirstSolve(preempt: false)
        #expect(preempted.waited < waited.waited, "waited \(preempted.waited) s with preemption, \(waited.waited) s without")
        // Stopped, the first solve had no last word of its own; left to run, it did.
        #expect(!preempted.sawFinalOfFirstSolve)
        #expect(waited.sawFinalOfFirstSolve)
        #expect(preempted.stopsCounted == 1 && waited.stopsCounted == 0)
    }

    /// A time limit ends a MIP solve with its incumbent, `feasible` and final, with the gap left
    /// (or `time_limit` and no maps, on a machine too slow for a first incumbent).
    @Test func aTimeLimitEndsAnIntegerSolveFeasibleAndFinal() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.solveTimeLimit = 0.2
            $0.mipGap = 0
        }
        let client = try await server.connect()
        let model = try await createSlowKnapsack(on: client)
        let solution = try #require(await client.request(#"{"op":"get","id":1,"model":"\#(model)"}"#))
        #expect(solution["final"] == .bool(true))
        switch solution["status"]?.string {
        case "feasible":
            let gap = try #require(solution["gap"]?.number)
            #expect(gap > 0 && solution["values"] != nil && (solution["bound"]?.number ?? 0) >= 1322 - 1e-6)
        case "time_limit":
            #expect(solution["values"] == nil)
        default:
            Issue.record("a 0.2 s limit on a search of seconds ended \(solution)")
        }
        client.close()
        await server.stop()
    }

    /// A worker killed in the middle of a MIP solve is replaced, and the model solved to the end.
    @Test func aWorkerKilledMidSolveIsReplacedAndTheModelSolved() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.incumbentMillis = 0
        }
        let client = try await server.connect()
        let model = try await createSlowKnapsack(on: client)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
        let first = try #require(await client.next(within: 60))
        #expect(first["final"] == .bool(false))
        let before = await server.server.coordinator.workerPIDs()
        for pid in before { kill(pid, SIGKILL) }
        var final: JSON?
        while final == nil, let message = await client.next(within: 60) {
            if message["type"] == .string("solution"), message["final"] == .bool(true) { final = message }
        }
        #expect(final?["status"] == .string("optimal") && final?["objective"] == .number(1322))
        let after = await server.server.coordinator.workerPIDs()
        #expect(after.count == 1 && Set(after).isDisjoint(with: before))
        client.close()
        await server.stop()
    }
}

/// knapsack40, which CBC takes about a second or more to prove; returns its id.
private func createSlowKnapsack(on client: QueuedStreamClient) async throws -> String {
    let text = try TestData.benchmarkText("mip/knapsack40.lp")
    let created = await client.request(#"{"op":"create","format":"lp","text":\#(JSONWriter.quoted(text))}"#)
    return try #require(created?["model"]?.string)
}

struct Preemption {
    /// From the update to its final solution, less that solution's solve: the wait for a worker.
    var waited: Double
    var sawFinalOfFirstSolve: Bool
    var stopsCounted: Int
}

/// Creates knapsack40, waits for the first incumbent of its first solve, sends an objective
/// update, and measures how long that update waits for its final solution. With `broker`, the
/// server has no local pool and one remote worker solves, through that broker.
func latencyOfAnUpdateDuringTheFirstSolve(preempt: Bool, broker: String? = nil) async throws -> Preemption {
    let server = try await TestServer.start(workers: broker == nil ? 1 : 0) {
        $0.brokerURL = broker ?? ""
        $0.preempt = preempt
        $0.incumbentMillis = 0
        $0.mipGap = 0
    }
    let worker = try broker.map { try RemoteWorkerProcess(broker: $0, name: "mip-\(UUID().uuidString.prefix(8))") }
    let client = try await server.connect()
    let model = try await createSlowKnapsack(on: client)
    _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
    let first = try #require(await client.next(within: 60))
    #expect(first["final"] == .bool(false), "the first solve ended before its first incumbent was seen")
    let sent = Date()
    client.send(#"{"op":"update","id":1,"model":"\#(model)","objective":{"x3":60,"x17":75}}"#)
    var sawFinalOfFirstSolve = false
    var finalSeen: [Int: Bool] = [:]
    var answer: JSON?
    while answer == nil, let message = await client.next(within: 60) {
        guard message["type"] == .string("solution"), let seq = message["seq"]?.number.map(Int.init) else { continue }
        // Never a `final: false` after the `final: true` of the same seq.
        #expect(!(finalSeen[seq] == true && message["final"] == .bool(false)))
        if message["final"] == .bool(true) { finalSeen[seq] = true }
        if seq == 0, message["final"] == .bool(true) { sawFinalOfFirstSolve = true }
        if seq == 1, message["final"] == .bool(true) { answer = message }
    }
    let seconds = Date().timeIntervalSince(sent)
    #expect(answer?["status"] == .string("optimal"))
    let solve = (answer?["stats"]?["solveMicros"]?.number ?? .infinity) / 1e6
    let stops = Int(try await metric("livesolve_solves_preempted_total", port: server.port) ?? -1)
    client.close()
    await server.stop()
    withExtendedLifetime(worker) {}
    return Preemption(waited: seconds - solve, sawFinalOfFirstSolve: sawFinalOfFirstSolve, stopsCounted: stops)
}
