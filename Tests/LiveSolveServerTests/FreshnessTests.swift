import Foundation
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

/// Every solution's staleness stamp (PROTOCOL.md, "Stability bands and staleness"):
/// `stats.inputAgeMicros`, `stats.queuedMicros`, `stats.publishedAt`, through the real server.
@Suite(.serialized) struct FreshnessTests {
    /// On an idle server an update's solution is young; the same update sent while the only
    /// worker is busy with a long integer solve waits for it, and its stamp says so. Each age
    /// is checked against what the client itself measured, not against a constant.
    @Test func aSolutionsAgeGrowsWhileItWaitsForABusyWorker() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.preempt = false
            $0.mipGap = 0
            // Every update waits for the worker: none is answered by ranging.
            $0.rangingFastPath = false
        }
        let client = try await server.connect()
        let text = try TestData.benchmarkText("data/netlib/afiro.mps.gz")
        let afiro = try #require(await client.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(text))}"#)?["model"]?.string)
        _ = await client.request(#"{"op":"subscribe","model":"\#(afiro)"}"#)
        let steps = try TestData.stream("afiro").steps

        let idle = try await stampedAnswer(to: steps[0].update, seq: 1, of: afiro, on: client)

        let knapsack = try TestData.benchmarkText("mip/knapsack40.lp")
        let slow = try #require(await client.request(#"{"op":"create","format":"lp","text":\#(JSONWriter.quoted(knapsack))}"#)?["model"]?.string)
        _ = await client.request(#"{"op":"subscribe","model":"\#(slow)"}"#)
        // Its search is under way once its first incumbent arrives.
        var searching = false
        while !searching, let message = await client.next(within: 60) {
            searching = message["model"] == .string(slow) && message["final"] == .bool(false)
        }
        try #require(searching)
        let busy = try await stampedAnswer(to: steps[1].update, seq: 2, of: afiro, on: client)

        for stamp in [idle, busy] {
            // Within what the client saw from its send to its receipt, and after its queueing.
            #expect(stamp.age <= stamp.roundTrip)
            #expect(stamp.queued <= stamp.age)
            #expect(stamp.publishedAt >= stamp.sentAt - 1 && stamp.publishedAt <= stamp.receivedAt + 1)
        }
        #expect(busy.queued > idle.queued)
        #expect(busy.age > idle.age)
        // The update waited for the integer solve, which had begun before it was sent.
        #expect(busy.queued > idle.roundTrip)
        let observed = try await metric("livesolve_input_age_seconds_count", port: server.port) ?? 0
        #expect(observed >= 4)
        client.close()
        await server.stop()
    }
}

private struct Stamp {
    var age: Int
    var queued: Int
    var publishedAt: Int
    var roundTrip: Int
    var sentAt: Int
    var receivedAt: Int
}

/// Sends an update and reads its solution's stamp, with the round trip the client measured.
private func stampedAnswer(to update: JSON, seq: Int, of model: String, on client: QueuedStreamClient) async throws -> Stamp {
    guard case .object(let fields) = update else { throw TestFailure(description: "a stream step without an update object") }
    let sentAt = Int(Date().timeIntervalSince1970 * 1000)
    let start = DispatchTime.now().uptimeNanoseconds
    client.send(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields)))
    while let message = await client.next(within: 60) {
        guard message["type"] == .string("solution"), message["model"] == .string(model), message["seq"] == .number(Double(seq)) else { continue }
        let roundTrip = Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
        let stats = try #require(message["stats"])
        return Stamp(age: Int(try #require(stats["inputAgeMicros"]?.number)), queued: Int(try #require(stats["queuedMicros"]?.number)),
                     publishedAt: Int(try #require(stats["publishedAt"]?.number)), roundTrip: roundTrip, sentAt: sentAt,
                     receivedAt: Int(Date().timeIntervalSince1970 * 1000))
    }
    throw TestFailure(description: "no solution with seq \(seq) of \(model)")
}
