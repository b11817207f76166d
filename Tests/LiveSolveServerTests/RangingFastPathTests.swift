import LiveSolveClient
import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// The ranging fast path (`solve.rangingFastPath`, PROTOCOL.md "Stability bands and
/// staleness"): cost ticks inside the last solve's bands are answered by the server without a
/// solve, with `stats.algorithm` `"ranging"`; the objective is always right.
@Suite(.serialized) struct RangingFastPathTests {
    /// The first solution with `seq` on `client`, or nil when none comes in time.
    static func solution(withSeq seq: Int, on client: QueuedStreamClient, within seconds: Double = 60) async -> JSON? {
        while let message = await client.next(within: seconds) {
            if message["type"] == .string("solution"), message["seq"] == .number(Double(seq)) { return message }
        }
        return nil
    }

    /// Sets the refinery's gasoline price on the server and in `model`; returns its solution.
    static func setGasoline(_ price: Double, seq: Int, of id: String, in model: inout Model, on client: QueuedStreamClient) async throws -> JSON {
        let update: JSON = .object([("parameters", .object([("price[gasoline]", .number(price))]))])
        model.apply(try UpdateResolver(model: model).resolve(update))
        client.send(#"{"op":"update","model":"\#(id)","parameters":{"price[gasoline]":\#(price)}}"#)
        return try #require(await solution(withSeq: seq, on: client, within: 30), "no solution for seq \(seq)")
    }

    /// Every step of a Netlib price stream, each answered before the next: every objective
    /// equals the stream's `expect`, and the share the fast path answered is reported.
    @Test(arguments: ["adlittle", "ship12l"])
    func everyObjectiveOfAStreamIsRightWithTheFastPathOn(name: String) async throws {
        let server = try await TestServer.start(workers: 2)
        let client = try await server.connect()
        let text = try TestData.benchmarkText("data/netlib/\(name).mps.gz")
        let model = try #require(await client.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(text))}"#)?["model"]?.string)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)","fields":["values"]}"#)
        let steps = try TestData.stream(name).steps.prefix(200)
        var ranged = 0
        for (k, step) in steps.enumerated() {
            guard case .object(let members) = step.update else { continue }
            client.send(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + members)))
            let solution = try #require(await Self.solution(withSeq: k + 1, on: client), "step \(k + 1): no solution")
            let objective = try #require(solution["objective"]?.number)
            #expect(TestData.matches(objective, step.expect), "step \(k + 1): \(objective) vs \(step.expect)")
            if solution["stats"]?["algorithm"] == .string("ranging") {
                ranged += 1
                #expect(solution["stats"]?["iterations"] == .number(0))
            }
        }
        print("ranging fast path, \(name): \(ranged) of \(steps.count) ticks answered without a solve")
        #expect(ranged > 0)
        #expect(try await metric("livesolve_ranging_answers_total", port: server.port) == Double(ranged))
        client.close()
        await server.stop()
    }

    /// The refinery's gasoline price walks up inside its band, each tick answered by ranging,
    /// until one would spend more than the budget: that one is solved, and every objective equals
    /// a fresh solve's. A subscriber to duals then turns the fast path off, and `get` with duals
    /// after ranging ticks answers the solved duals.
    @Test func ticksPastTheBudgetFallBackToASolveAndDualsAreNeverStale() async throws {
        // Primal always: which simplex a solved tick ran is not what this test is about.
        let server = try await TestServer.start(workers: 1) { $0.strategy = "primal" }
        let client = try await server.connect()
        let id = try await client.createRefinery()
        _ = await client.request(#"{"op":"subscribe","model":"\#(id)","fields":["values"]}"#)
        // The first solve's bands are what the first tick is measured against.
        var first: JSON?
        while first == nil, let message = await client.next(within: 30) { if message["type"] == .string("solution") { first = message } }
        var model = try JSONModelReader.read(refineryDocument)
        // Its band at the start is [1.53, 4.03] around 2.1 (ParameterRangesTests): 2.6, 3.1,
        // 3.6 and 3.9 use 0.26, 0.52, 0.78 and 0.93 of it; 4.2 is past it.
        var algorithms: [String] = []
        for (k, price) in [2.6, 3.1, 3.6, 3.9, 4.2].enumerated() {
            let solution = try await Self.setGasoline(price, seq: k + 1, of: id, in: &model, on: client)
            algorithms.append(solution["stats"]?["algorithm"]?.string ?? "?")
            let fresh = try ClpSolver(program: model.program).solve()
            #expect(TestData.matches(try #require(solution["objective"]?.number), fresh.objective), "price \(price)")
        }
        #expect(algorithms == ["ranging", "ranging", "ranging", "ranging", "primal"], "\(algorithms)")

        // Back inside the first basis's band (a solve), one ranging tick, then `get` with duals:
        // solved ones, not the stale ones. (At 2.9 the refinery's optimum is unique, its duals too.)
        for (k, price) in [3.0, 2.9].enumerated() {
            let solution = try await Self.setGasoline(price, seq: k + 6, of: id, in: &model, on: client)
            algorithms.append(solution["stats"]?["algorithm"]?.string ?? "?")
        }
        #expect(algorithms.suffix(2) == ["primal", "ranging"], "\(algorithms)")
        // A subscriber to duals now: its first snapshot waits for the solve that knows them.
        let late = try await server.connect()
        _ = await late.request(#"{"op":"subscribe","id":2,"model":"\#(id)","fields":["duals"]}"#)
        let snapshot = await Self.solution(withSeq: 7, on: late, within: 30)
        #expect(snapshot?["full"] == .bool(true))
        #expect(snapshot?["stats"]?["algorithm"] != .string("ranging"))
        if case .object(let duals)? = snapshot?["duals"] { #expect(duals.count == model.rowCount) } else { Issue.record("no duals in \(String(describing: snapshot))") }
        late.close()
        let got = try #require(await client.request(#"{"op":"get","id":1,"model":"\#(id)","seq":7,"fields":["values","duals"]}"#))
        #expect(got["stats"]?["algorithm"] != .string("ranging"))
        let fresh = try ClpSolver(program: model.program).solve()
        guard case .object(let duals)? = got["duals"] else { Issue.record("no duals in \(got)"); return }
        #expect(duals.count == model.rowCount)
        for (i, name) in model.rows.names.enumerated() {
            let served = duals.first { $0.key == name }?.value.number ?? .nan
            #expect(abs(served - fresh.duals[i]) <= 1e-7 * max(1, abs(fresh.duals[i])), "duals[\(name)]: \(served) vs \(fresh.duals[i])")
        }

        // With a subscriber to duals, every tick is solved.
        let dualWatcher = try await server.connect()
        _ = await dualWatcher.request(#"{"op":"subscribe","model":"\#(id)","fields":["duals"]}"#)
        client.send(#"{"op":"update","model":"\#(id)","parameters":{"price[gasoline]":3.95}}"#)
        let answer = await Self.solution(withSeq: 8, on: dualWatcher, within: 30)
        #expect(answer?["stats"]?["algorithm"] == .string("primal"))
        dualWatcher.close()
        client.close()
        await server.stop()
    }
}
