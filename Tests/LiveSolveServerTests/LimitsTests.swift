import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// Each limit with the protocol's codes, against a real server on real sockets.
@Suite(.serialized) struct LimitsTests {
    @Test func aFeedBeyondTheRateIsRefusedAndTheSeqCountsOnlyWhatWasApplied() async throws {
        // One a second beyond a burst of 5: the pipelined feed and the concurrent REST requests
        // below arrive within far less than the seconds a refill would take, however loaded.
        let server = try await TestServer.start(workers: 1) {
            $0.updatesPerSecond = 1
            $0.updatesBurst = 5
        }
        let client = try await server.connect()
        let model = try await client.createRefinery()
        for i in 0..<20 { client.send(#"{"op":"update","id":\#(i),"model":"\#(model)","parameters":{"price[gasoline]":\#(2 + Double(i) / 100)}}"#) }
        var acks = 0, limited = 0
        while acks + limited < 20, let reply = await client.next(within: 30) {
            if reply["type"] == .string("ack") { acks += 1 }
            if reply["code"] == .string("rate_limited") {
                limited += 1
                #expect(reply["model"] == .string(model))
            }
        }
        #expect(acks + limited == 20)
        #expect(acks >= 5 && limited > 0, "acks \(acks), limited \(limited)")
        let (_, entry) = try await server.json("GET", "/v1/models/\(model)")
        #expect(entry["seq"] == .number(Double(acks)))

        // REST spends an open server's shared budget: drained, it answers 429 with Retry-After.
        let responses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<12 {
                group.addTask {
                    let (response, _) = try await server.httpResponse("POST", "/v1/models/\(model)/updates", body: #"{"parameters":{"price[gasoline]":3}}"#)
                    return (response.statusCode, response.value(forHTTPHeaderField: "Retry-After"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let statuses = responses.map(\.0)
        let retryAfter = responses.first { $0.0 == 429 }?.1
        #expect(statuses.contains(429), "\(statuses)")
        #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
        client.close()
        await server.stop()
    }

    @Test func theModelAndSubscriptionLimitsAnswerOverloaded() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.maxModels = 2
            $0.subscriptionsPerConnection = 1
        }
        let client = try await server.connect()
        let first = try await client.createRefinery()
        _ = try await client.createRefinery()
        let refused = try #require(await client.request(#"{"op":"create","model":\#(refineryDocument)}"#))
        #expect(refused["code"] == .string("overloaded"), "\(refused)")
        let (status, error) = try await server.json("POST", "/v1/models", body: refineryDocument)
        #expect(status == 503)
        #expect(error["code"] == .string("overloaded"))

        #expect(await client.request(#"{"op":"subscribe","model":"\#(first)"}"#)?["type"] == .string("subscribed"))
        _ = await client.next(within: 30)
        #expect(await client.request(#"{"op":"subscribe","model":"m2"}"#)?["code"] == .string("overloaded"))
        // Subscribing again to the same model replaces it: not one more.
        #expect(await client.request(#"{"op":"subscribe","model":"\#(first)","fields":["values","duals"]}"#)?["type"] == .string("subscribed"))
        client.close()
        await server.stop()
    }

    @Test func connectionsBeyondTheLimitPerAddressAreRefused() async throws {
        let server = try await TestServer.start(workers: 1) { $0.connectionsPerAddress = 2 }
        let port = server.port
        let (a, b) = (try await server.connect(), try await server.connect())
        await #expect(throws: (any Error).self) { try await QueuedStreamClient.connect(port: port) }
        a.close()
        // The count drops once the server sees the close.
        var again: QueuedStreamClient?
        for _ in 0..<200 where again == nil {
            again = try? await QueuedStreamClient.connect(port: port)
            if again == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(again != nil)
        again?.close()
        b.close()
        await server.stop()
    }

    @Test func aClientThatSendsNoHeadIsClosed() async throws {
        let server = try await TestServer.start(workers: 1) { $0.headerTimeout = 0.3 }
        for prefix in ["", "GET /healthz HTTP/1.1\r\nHost: x\r\n"] {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: server.port).get()
            if !prefix.isEmpty { try await channel.writeAndFlush(ByteBuffer(string: prefix)) }
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await channel.closeFuture.get(); return true }
                group.addTask { try await Task.sleep(for: .seconds(20)); return false }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            #expect(closed, "prefix \(prefix.debugDescription)")
            channel.close(promise: nil)
        }
        // A whole head in time is served.
        #expect(try await server.http("GET", "/healthz").0 == 200)
        await server.stop()
    }
}
