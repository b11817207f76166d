import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The store under real servers: an in-process one stopped and started again on the same
/// SQLite file, and `livesolve serve` children killed with SIGKILL.
@Suite(.serialized) struct DurabilityTests {
    @Test func modelsComeBackWithTheirIdsNamesParametersAndSeq() async throws {
        let path = temporaryStorePath()
        var server = try await TestServer.start(workers: 1) { $0.storagePath = path }
        var client = try await server.connect()
        let kept = try #require(await client.request(#"{"op":"create","name":"kept","model":\#(refineryDocument)}"#)?["model"]?.string)
        let gone = try await client.createRefinery()
        for price in [2.4, 2.6] {
            #expect(await client.request(#"{"op":"update","model":"\#(kept)","parameters":{"price[gasoline]":\#(price)}}"#)?["type"] == .string("ack"))
        }
        #expect(try await server.http("DELETE", "/v1/models/\(gone)").0 == 204)
        // Two creates, two updates, a delete.
        #expect(try await server.http("GET", "/metrics").1.contains("livesolve_store_records_total 5"))
        client.close()
        await server.stop()

        server = try await TestServer.start(workers: 1) { $0.storagePath = path }
        let (_, list) = try await server.json("GET", "/v1/models")
        guard case .array(let entries)? = list["models"] else { Issue.record("no models in \(list)"); return }
        #expect(entries.count == 1)
        #expect(entries.first?["model"] == .string(kept))
        #expect(entries.first?["name"] == .string("kept"))
        #expect(entries.first?["seq"] == .number(2))
        let (_, entry) = try await server.json("GET", "/v1/models/\(kept)?include=document")
        #expect(entry["document"]?["parameters"]?["price[gasoline]"] == .number(2.6))
        client = try await server.connect()
        #expect(await client.request(#"{"op":"subscribe","model":"\#(kept)"}"#)?["type"] == .string("subscribed"))
        let snapshot = try #require(await client.next(within: 30))
        #expect(snapshot["full"] == .bool(true))
        #expect(snapshot["seq"] == .number(2))
        #expect(await client.request(#"{"op":"update","model":"\#(kept)","parameters":{"price[gasoline]":2.8}}"#)?["seq"] == .number(3))
        // The deleted model's id is not given again.
        let next = try await client.createRefinery()
        #expect(next != gone && next != kept)
        #expect(Int(next.dropFirst()) ?? 0 > Int(gone.dropFirst()) ?? 0)
        client.close()
        await server.stop()
    }

    /// SIGKILL right after an ack in the middle of a pipelined feed: on restart every acked seq
    /// is there (with `sync`; with `async` the test reports how many were lost), the solution is
    /// the stream's at the stored seq, and the feed runs on to its end.
    @Test(arguments: ["sync", "async"])
    func aKilledServerLosesNoAcknowledgedUpdate(durability: String) async throws {
        let path = temporaryStorePath()
        let stream = try TestData.stream("afiro")
        let steps = Array(stream.steps.prefix(300))
        let killAfter = Int.random(in: 20...250)
        let settings = ["--storage-durability", durability]
        var (process, _, port) = try startServeProcess(storagePath: path, arguments: settings)
        var client = try await QueuedStreamClient.connect(port: port)
        let afiro = JSONWriter.quoted(try TestData.benchmarkText("data/netlib/afiro.mps.gz"))
        let model = try #require(await client.request(#"{"op":"create","format":"mps","text":\#(afiro)}"#)?["model"]?.string)
        for (i, step) in steps.enumerated() { client.send(updateMessage(step.update, model: model, id: i)) }
        var acked = 0
        while acked < killAfter, let reply = await client.next(within: 30) {
            if reply["type"] == .string("ack") { acked = Int(reply["seq"]?.number ?? 0) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        client.close()
        #expect(acked == killAfter)

        (process, _, port) = try startServeProcess(storagePath: path, arguments: settings)
        defer { process.terminate() }
        let (_, entry) = try await httpResponseJSON(port: port, "/v1/models/\(model)")
        let stored = Int(entry["seq"]?.number ?? -1)
        if durability == "sync" {
            #expect(stored >= acked, "acked \(acked), stored \(stored)")
        } else {
            print("storage.durability async: SIGKILL after ack \(acked) lost \(max(0, acked - stored)) acknowledged update(s)")
        }
        let (_, solution) = try await httpResponseJSON(port: port, "/v1/models/\(model)/solution")
        #expect(solution["seq"] == .number(Double(stored)))
        if stored > 0, let objective = solution["objective"]?.number { #expect(TestData.matches(objective, steps[stored - 1].expect)) }
        client = try await QueuedStreamClient.connect(port: port)
        for (i, step) in steps.enumerated().dropFirst(stored) { client.send(updateMessage(step.update, model: model, id: i)) }
        var last = stored
        while last < steps.count, let reply = await client.next(within: 30) {
            if reply["type"] == .string("ack") { last = Int(reply["seq"]?.number ?? 0) }
            if reply["type"] == .string("error") { Issue.record("\(reply)"); break }
        }
        #expect(last == steps.count)
        var final = try await httpResponseJSON(port: port, "/v1/models/\(model)/solution?wait=true").1
        for _ in 0..<50 where final["seq"] != .number(Double(steps.count)) {
            try await Task.sleep(for: .milliseconds(100))
            final = try await httpResponseJSON(port: port, "/v1/models/\(model)/solution").1
        }
        #expect(final["seq"] == .number(Double(steps.count)))
        #expect(TestData.matches(try #require(final["objective"]?.number), steps.last!.expect))
        client.close()
    }

    /// Snapshots every 20 updates, 30 kept behind the newest: after 100 updates the states
    /// from seq 60 on can be rebuilt, before and after a restart.
    @Test func pastSolutionsTheLogAndForksAreTheStreamsAtThatSeq() async throws {
        let path = temporaryStorePath()
        let configure: @Sendable (inout ServerConfiguration) -> Void = {
            $0.storagePath = path
            $0.storageSnapshotUpdates = 20
            $0.storageRetainUpdates = 30
        }
        let steps = Array(try TestData.stream("afiro").steps.prefix(100))
        var server = try await TestServer.start(workers: 1, configure: configure)
        let client = try await server.connect()
        let afiro = JSONWriter.quoted(try TestData.benchmarkText("data/netlib/afiro.mps.gz"))
        let model = try #require(await client.request(#"{"op":"create","format":"mps","text":\#(afiro)}"#)?["model"]?.string)
        #expect(await feed(steps, model: model, on: client) == 100)

        func objective(_ id: String, at seq: Int) async throws -> (Int, JSON) {
            try await server.json("GET", "/v1/models/\(id)/solution?seq=\(seq)")
        }
        for _ in 0..<2 {
            for seq in [60, 75, 99, 100] {
                let (status, solution) = try await objective(model, at: seq)
                #expect(status == 200)
                #expect(solution["seq"] == .number(Double(seq)))
                #expect(TestData.matches(solution["objective"]?.number ?? .nan, steps[seq - 1].expect), "seq \(seq)")
            }
            let (status, error) = try await objective(model, at: 10)
            #expect(status == 400)
            #expect(error["code"] == .string("invalid_value"))
            #expect(error["message"]?.string?.contains("the oldest seq still available is 60") == true, "\(error)")
            // Again from the file alone.
            await server.stop()
            server = try await TestServer.start(workers: 1, configure: configure)
        }

        // Seqs 61 to 100 are kept, behind the snapshot at 60.
        let metrics = try await server.http("GET", "/metrics").1
        #expect(metrics.contains(#"livesolve_store_log_records{model="\#(model)"} 40"#), "\(metrics.suffix(600))")
        #expect(metrics.contains(#"livesolve_store_log_bytes{model="\#(model)"} "#))
        let (status, log) = try await server.http("GET", "/v1/models/\(model)/updates?from=61&to=63")
        #expect(status == 200)
        let lines = log.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
        #expect(lines.map { $0["seq"] } == [.number(61), .number(62), .number(63)])
        #expect(lines.first?["update"] == steps[60].update)
        #expect(try await server.json("GET", "/v1/models/\(model)/updates?from=5").1["code"] == .string("invalid_value"))

        // A fork at 75 takes its own path; the original is left as it was.
        let (created, fork) = try await server.json("POST", "/v1/models/\(model)/fork", body: #"{"seq":75,"name":"what-if"}"#)
        #expect(created == 201)
        let forkID = try #require(fork["model"]?.string)
        let stream = try await server.connect()
        #expect(await feed(Array(steps[75..<90]), model: forkID, on: stream) == 15)
        var forked = try await server.json("GET", "/v1/models/\(forkID)/solution").1
        for _ in 0..<50 where forked["seq"] != .number(15) {
            try await Task.sleep(for: .milliseconds(100))
            forked = try await server.json("GET", "/v1/models/\(forkID)/solution").1
        }
        #expect(TestData.matches(forked["objective"]?.number ?? .nan, steps[89].expect))
        #expect(try await server.json("GET", "/v1/models/\(forkID)").1["name"] == .string("what-if"))
        let original = try await server.json("GET", "/v1/models/\(model)/solution").1
        #expect(original["seq"] == .number(100))
        #expect(TestData.matches(original["objective"]?.number ?? .nan, steps[99].expect))
        // `get` with a seq on the stream.
        let past = try #require(await stream.request(#"{"op":"get","id":"g","model":"\#(model)","seq":70}"#))
        #expect(past["id"] == .string("g"))
        #expect(past["seq"] == .number(70))
        #expect(TestData.matches(past["objective"]?.number ?? .nan, steps[69].expect))
        stream.close()
        client.close()
        await server.stop()
    }

    @Test func aFileThatIsNotAStoreIsRefusedAtStart() async throws {
        let path = temporaryStorePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("not a database, only words, enough of them to fill a header".utf8).write(to: URL(fileURLWithPath: path))
        let (status, output) = try await runLivesolve(["serve", "--http-port", "0", "--storage-path", path], seconds: 10)
        #expect(status == 1)
        #expect(output.contains(path), "\(output)")
        #expect(output.contains("storage.path"), "\(output)")
    }
}

/// Sends the steps' updates pipelined; returns the last acked seq.
private func feed(_ steps: [(update: JSON, expect: Double)], model: String, on client: QueuedStreamClient) async -> Int {
    for (i, step) in steps.enumerated() { client.send(updateMessage(step.update, model: model, id: i)) }
    var acks = 0, last = 0
    while acks < steps.count, let reply = await client.next(within: 30) {
        if reply["type"] == .string("ack") { acks += 1; last = Int(reply["seq"]?.number ?? 0) }
        if reply["type"] == .string("error") { Issue.record("\(reply)"); break }
    }
    return last
}

private func updateMessage(_ update: JSON, model: String, id: Int) -> String {
    guard case .object(let fields) = update else { return "" }
    return JSONWriter.string(.object([("op", .string("update")), ("id", .number(Double(id))), ("model", .string(model))] + fields))
}
