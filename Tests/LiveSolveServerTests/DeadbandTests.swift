import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

/// `subscribe` with a `deadband` (PROTOCOL.md, "Stability bands and staleness"), through the
/// real server: on the adlittle stream, no entry a deadband subscriber is sent moved by less
/// than its deadband from what it last had, its view stays within that tolerance of an exact
/// subscriber's, and a full snapshot is exact.
@Suite(.serialized) struct DeadbandTests {
    @Test func aDeadbandSubscriberGetsOnlyMovesPastItAndAnExactSnapshot() async throws {
        let server = try await TestServer.start(workers: 2)
        let feeder = try await server.connect(), exact = try await server.connect(), damped = try await server.connect()
        let text = try TestData.benchmarkText("data/netlib/adlittle.mps.gz")
        let model = try #require(await feeder.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(text))}"#)?["model"]?.string)
        let deadband = 0.05
        let fields = #"["values","duals"]"#
        _ = await exact.request(#"{"op":"subscribe","model":"\#(model)","fields":\#(fields)}"#)
        _ = await damped.request(#"{"op":"subscribe","model":"\#(model)","fields":\#(fields),"deadband":\#(deadband)}"#)
        // A bad deadband is refused. (On the feeder: a request on a subscribed connection
        // would skip the snapshot that may arrive before its reply.)
        let refused = await feeder.request(#"{"op":"subscribe","id":9,"model":"\#(model)","deadband":-1}"#)
        #expect(refused?["code"] == .string("invalid_value"))
        #expect(refused?["message"]?.string?.contains("deadband") == true)

        let steps = try TestData.stream("adlittle").steps.prefix(150)
        var truth = ReconstructedSolution(), view = ReconstructedSolution()
        var sentEntries = 0, exactEntries = 0, belowDeadband = 0
        for (k, step) in steps.enumerated() {
            guard case .object(let members) = step.update else { continue }
            _ = await feeder.request(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + members)))
            // Each step solved before the next, so that every one is a version of its own.
            while truth.seq < k + 1, let message = await exact.next(within: 30) {
                if message["full"] == .bool(false) { exactEntries += Self.entries(message) }
                truth.apply(message)
            }
            while view.seq < k + 1, let message = await damped.next(within: 30) {
                if message["full"] == .bool(false) {
                    sentEntries += Self.entries(message)
                    for field in ["values", "duals"] {
                        guard case .object(let entries)? = message[field] else { continue }
                        for (name, value) in entries {
                            guard let new = value.number, let last = view.maps[field]?[name] else { continue }
                            if abs(new - last) <= deadband * max(1, abs(last)) { belowDeadband += 1 }
                        }
                    }
                }
                view.apply(message)
            }
            #expect(view.objective == truth.objective, "step \(k + 1): the objective is always sent")
            // Every entry is within the deadband of the truth, measured from what was sent.
            for field in ["values", "duals"] {
                for (name, value) in truth.maps[field] ?? [:] {
                    guard let shown = view.maps[field]?[name] else {
                        Issue.record("step \(k + 1): \(field)[\(name)] missing from the deadband subscriber's view")
                        return
                    }
                    #expect(abs(value - shown) <= deadband * max(1, abs(shown)) + 1e-12, "step \(k + 1): \(field)[\(name)] \(shown) vs \(value)")
                }
            }
        }
        #expect(belowDeadband == 0)
        #expect(sentEntries < exactEntries, "the deadband sent \(sentEntries) entries, the exact subscriber \(exactEntries)")

        // Subscribing again: a full snapshot, exact, equal to GET …/solution.
        _ = await damped.request(#"{"op":"subscribe","model":"\#(model)","fields":\#(fields),"deadband":\#(deadband)}"#)
        let snapshot = try #require(await damped.next(within: 30))
        #expect(snapshot["full"] == .bool(true))
        var fresh = ReconstructedSolution()
        fresh.apply(snapshot)
        let (status, solution) = try await server.json("GET", "/v1/models/\(model)/solution")
        #expect(status == 200)
        #expect(fresh.equals(solution, fields: ["values", "duals"]))
        for client in [feeder, exact, damped] { client.close() }
        await server.stop()
    }

    private static func entries(_ message: JSON) -> Int {
        ["values", "duals"].reduce(0) { count, field in
            if case .object(let entries)? = message[field] { count + entries.count } else { count }
        }
    }
}
