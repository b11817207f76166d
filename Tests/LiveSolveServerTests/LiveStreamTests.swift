import Foundation
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Sends a stream's steps as `update` messages on `client`, waiting for every ack; returns the last seq.
private func feed(_ steps: [(update: JSON, expect: Double)], model: String, on client: QueuedStreamClient) async -> Int {
    for (i, step) in steps.enumerated() {
        guard case .object(let fields) = step.update else { continue }
        let message = JSON.object([("op", .string("update")), ("id", .number(Double(i))), ("model", .string(model))] + fields)
        client.send(JSONWriter.string(message))
    }
    var lastSeq = 0
    var acks = 0
    while acks < steps.count, let reply = await client.next() {
        if reply["type"] == .string("ack") { acks += 1; lastSeq = Int(reply["seq"]?.number ?? 0) }
        else if reply["type"] == .string("error") { Issue.record("update rejected: \(reply)"); return lastSeq }
    }
    return lastSeq
}

/// Reads solutions until one with `seq >= seq` arrives (or time runs out).
private func readUntil(seq: Int, on client: QueuedStreamClient, into view: inout ReconstructedSolution, within seconds: Double = 30) async {
    var previous = view.seq
    while view.seq < seq, let message = await client.next(within: seconds) {
        view.apply(message)
        #expect(view.seq > previous || message["full"] == .bool(true), "seq must increase")
        previous = view.seq
    }
}

@Suite(.serialized) struct LiveStreamTests {
    @Test func aFastAndASlowSubscriberBothRebuildTheExactSolution() async throws {
        // One subscriber per loop turn: every pass spans turns, and versions land mid-pass.
        let server = try await TestServer.start {
            $0.sendBufferBytes = 8192
            $0.fanoutChunk = 1
        }
        let stream = try TestData.stream("adlittle")
        let steps = Array(stream.steps + stream.steps)  // 1 000 updates; the second pass ends where the first did
        let feeder = try await server.connect(), fast = try await server.connect()
        let slow = try await QueuedStreamClient.connect(port: server.port, receiveBufferBytes: 4096)
        let created = await feeder.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(try TestData.benchmarkText("data/netlib/adlittle.mps.gz")))}"#)
        let model = try #require(created?["model"]?.string)
        let fields = #"["values","duals","reducedCosts","rowActivities"]"#
        var fastView = ReconstructedSolution(), slowView = ReconstructedSolution()
        for (client, view) in [(fast, 0), (slow, 1)] {
            _ = await client.request(#"{"op":"subscribe","model":"\#(model)","fields":\#(fields)}"#)
            let first = try #require(await client.next())
            if view == 0 { fastView.apply(first) } else { slowView.apply(first) }
        }
        slow.client.setReading(false)
        // In 50 bursts, each solved before the next, so there are at least 50 versions to send:
        // one burst would be conflated into a handful of solves.
        var lastSeq = 0
        for start in stride(from: 0, to: steps.count, by: 20) {
            lastSeq = await feed(Array(steps[start..<min(start + 20, steps.count)]), model: model, on: feeder)
            await readUntil(seq: lastSeq, on: fast, into: &fastView)
        }
        #expect(lastSeq == 1000)
        #expect(fastView.messages > 50)
        try await Task.sleep(for: .milliseconds(300))
        slow.client.setReading(true)
        await readUntil(seq: lastSeq, on: slow, into: &slowView)

        let (_, full) = try await server.json("GET", "/v1/models/\(model)/solution")
        #expect(full["seq"] == .number(Double(lastSeq)))
        let objective = try #require(full["objective"]?.number)
        #expect(TestData.matches(objective, stream.steps.last!.expect))
        let all = ["values", "duals", "reducedCosts", "rowActivities"]
        #expect(fastView.equals(full, fields: all))
        #expect(slowView.equals(full, fields: all))
        #expect(fastView.objective == objective && slowView.objective == objective)
        // The slow one was sent fewer messages: it was conflated, not queued.
        #expect(slowView.messages < fastView.messages)
        for c in [feeder, fast, slow] { c.close() }
        await server.stop()
    }

    /// Versions without maps (infeasible) between ones with them: the worker's next answer is
    /// changes against its infeasible answer, not against what subscribers hold. A subscriber
    /// still rebuilds the server's solution bit for bit, and that solution is a fresh model's.
    @Test func aSubscriberRebuildsTheSolutionThroughInfeasibleVersions() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        func lp(_ yCost: Int, _ c2Lower: Int) -> String {
            JSONWriter.quoted("maximize\n obj: 3 x + \(yCost) y + z\nsubject to\n c1: x + 2 y + z <= 10\n c2: x - y >= \(c2Lower)\nbounds\n x <= 4\n z <= 3\nend\n")
        }
        let model = try #require(await client.request(#"{"op":"create","format":"lp","text":\#(lp(2, -2))}"#)?["model"]?.string)
        let all = ["values", "duals", "reducedCosts", "rowActivities"]
        var view = ReconstructedSolution()
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)","fields":["values","duals","reducedCosts","rowActivities"]}"#)
        view.apply(try #require(await client.next()))
        let updates = [
            (#""rowBounds":{"c2":[20,null]}"#, "infeasible"),  // x - y >= 20 with x <= 4: no solution
            (#""objective":{"y":5}"#, "infeasible"),
            (#""rowBounds":{"c2":[-2,null]}"#, "optimal"),  // back, with y's new cost: another optimum
            (#""objective":{"y":1}"#, "optimal"),
        ]
        for (seq, (fields, status)) in updates.enumerated() {
            let ack = await client.request(#"{"op":"update","model":"\#(model)",\#(fields)}"#)
            #expect(ack?["seq"] == .number(Double(seq + 1)))
            var message: JSON?
            repeat { message = await client.next() } while message != nil && message?["seq"] != .number(Double(seq + 1))
            #expect(message?["status"] == .string(status))
            view.apply(try #require(message))
        }
        let (_, held) = try await server.json("GET", "/v1/models/\(model)/solution")
        #expect(view.equals(held, fields: all))
        let fresh = try #require(await client.request(#"{"op":"create","format":"lp","text":\#(lp(1, -2))}"#)?["model"]?.string)
        let (_, expected) = try await server.json("GET", "/v1/models/\(fresh)/solution")
        for field in all {
            guard case .object(let entries)? = expected[field] else { Issue.record("no \(field) in \(expected)"); continue }
            for (name, value) in entries {
                #expect(abs((view.maps[field]?[name] ?? .nan) - (value.number ?? .nan)) <= 1e-9, "\(field)[\(name)]")
            }
        }
        client.close()
        await server.stop()
    }

    @Test func aKilledWorkerLosesNoAcknowledgedUpdate() async throws {
        let server = try await TestServer.start()
        let stream = try TestData.stream("ship12l")
        let client = try await server.connect()
        let created = await client.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(try TestData.benchmarkText("data/netlib/ship12l.mps.gz")))}"#)
        let model = try #require(created?["model"]?.string)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
        var view = ReconstructedSolution()
        view.apply(try #require(await client.next(within: 30)))
        let before = await server.server.coordinator.workerPIDs()
        let steps = Array(stream.steps.prefix(60))
        _ = await feed(Array(steps.prefix(30)), model: model, on: client)
        for pid in before { kill(pid, SIGKILL) }
        let lastSeq = await feed(Array(steps.dropFirst(30)), model: model, on: client)
        #expect(lastSeq == 60)
        let (_, full) = try await server.json("GET", "/v1/models/\(model)/solution")
        var solution = full
        for _ in 0..<100 where solution["seq"] != .number(60) {
            try await Task.sleep(for: .milliseconds(100))
            solution = try await server.json("GET", "/v1/models/\(model)/solution").1
        }
        #expect(solution["seq"] == .number(60))
        #expect(TestData.matches(try #require(solution["objective"]?.number), steps.last!.expect))
        let after = await server.server.coordinator.workerPIDs()
        #expect(after.count == 2)
        #expect(Set(after).isDisjoint(with: before))
        let (_, metrics) = try await server.http("GET", "/metrics")
        #expect(metrics.contains("livesolve_worker_restarts_total 2"))
        client.close()
        await server.stop()
    }

    @Test func aLongSolveDelaysNeitherPingNorAnotherModel() async throws {
        let server = try await TestServer.start()
        let big = try await server.connect(), small = try await server.connect(), pinger = try await server.connect()
        let slowModel = await big.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(try TestData.benchmarkText("data/netlib/dfl001.mps.gz")))}"#)
        let slowID = try #require(slowModel?["model"]?.string)
        let smallID = try await small.createRefinery()
        _ = await small.request(#"{"op":"subscribe","model":"\#(smallID)"}"#)
        _ = await small.next()
        // While dfl001's cold solve (seconds) runs, pings and the small model keep moving: all of
        // it is answered before that solve ends (checked below), whatever the machine's speed.
        let (_, entry) = try await server.json("GET", "/v1/models/\(slowID)")
        #expect(entry["status"] == .string("solving"))
        for i in 1...20 {
            #expect(await pinger.request(#"{"op":"ping"}"#)?["type"] == .string("pong"))
            _ = await small.request(#"{"op":"update","model":"\#(smallID)","parameters":{"price[jet]":\#(2 + Double(i) / 100)}}"#)
            #expect(await small.next(within: 5)?["seq"] == .number(Double(i)))
        }
        // An update to the model being solved is acknowledged before that solve ends, not after.
        let ack = await big.request(#"{"op":"update","model":"\#(slowID)","objective":{"C00001":4000}}"#)
        #expect(ack?["type"] == .string("ack"))
        let (_, stillSolving) = try await server.json("GET", "/v1/models/\(slowID)")
        #expect(stillSolving["status"] == .string("solving"))
        for c in [big, small, pinger] { c.close() }
        await server.stop()
    }
}
