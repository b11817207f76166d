import LiveSolveClient
import LiveSolveModel
import NIOWebSocket
import NIOCore
import CSupport
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The refinery example's optimum, as `livesolve solve Public/examples/refinery.json` prints it.
let refineryObjective = 2448.332500000001

@Suite(.serialized) struct StreamProtocolTests {
    @Test func everyOpAnswersAndEchoesItsID() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()

        let pong = await client.request(#"{"op":"ping","id":"p-1"}"#)
        #expect(pong == .object([("type", .string("pong")), ("id", .string("p-1"))]))

        let created = await client.request(#"{"op":"create","id":7,"model":\#(refineryDocument)}"#)
        #expect(created?["type"] == .string("created"))
        #expect(created?["id"] == .number(7))
        let model = try #require(created?["model"]?.string)

        #expect(await client.request(#"{"op":"subscribe","id":"s","model":"\#(model)","fields":["values","duals"]}"#)
            == .object([("type", .string("subscribed")), ("id", .string("s")), ("model", .string(model))]))
        let snapshot = try #require(await client.next())
        #expect(snapshot["type"] == .string("solution"))
        #expect(snapshot["full"] == .bool(true))
        #expect(snapshot["seq"] == .number(0))
        #expect(snapshot["status"] == .string("optimal"))
        #expect(snapshot["objective"]?.number == refineryObjective)
        #expect(snapshot["values"] != nil && snapshot["duals"] != nil && snapshot["reducedCosts"] == nil)
        #expect(snapshot["stats"]?["warmStart"] == .bool(false))

        let ack = await client.request(#"{"op":"update","id":"u1","model":"\#(model)","parameters":{"price[gasoline]":2.5}}"#)
        #expect(ack == .object([("type", .string("ack")), ("id", .string("u1")), ("model", .string(model)), ("seq", .number(1))]))
        let delta = try #require(await client.next())
        #expect(delta["seq"] == .number(1))
        #expect(delta["full"] == .bool(false))
        #expect(delta["stats"]?["warmStart"] == .bool(true))
        #expect(delta["stats"]?["algorithm"] == .string("primal"))

        let got = await client.request(#"{"op":"get","id":"g","model":"\#(model)","fields":["rowActivities"]}"#)
        #expect(got?["type"] == .string("solution"))
        #expect(got?["id"] == .string("g"))
        #expect(got?["full"] == .bool(true))
        #expect(got?["rowActivities"] != nil && got?["values"] == nil)

        #expect(await client.request(#"{"op":"unsubscribe","id":1,"model":"\#(model)"}"#)?["type"] == .string("unsubscribed"))
        #expect(await client.request(#"{"op":"update","model":"\#(model)","objective":{"crack[heavy]":-5}}"#)?["seq"] == .number(2))
        // After unsubscribed, no solution of that model arrives.
        #expect(await client.next(within: 0.5) == nil)
        client.close()
        await server.stop()
    }

    @Test func anUpdateOnOneConnectionReachesASubscriberOnAnother() async throws {
        let server = try await TestServer.start()
        let feeder = try await server.connect(), watcher = try await server.connect()
        let model = try await feeder.createRefinery()
        _ = await watcher.request(#"{"op":"subscribe","model":"\#(model)"}"#)
        #expect(await watcher.next()?["seq"] == .number(0))
        _ = await feeder.request(#"{"op":"update","model":"\#(model)","colBounds":{"crude[heavy]":{"upper":60}}}"#)
        let pushed = try #require(await watcher.next())
        #expect(pushed["seq"] == .number(1))
        #expect(pushed["stats"]?["algorithm"] == .string("dual"))
        #expect(pushed["values"]?["crude[heavy]"]?.number == 60)
        feeder.close(); watcher.close()
        await server.stop()
    }

    /// Each bad message gets the right code, the connection stays open, and nothing changes.
    @Test(arguments: [
        ("not json", "bad_message"),
        ("[1,2]", "bad_message"),
        (#"{"id":1}"#, "bad_message"),
        (#"{"op":5}"#, "bad_message"),
        (#"{"op":"ping","extra":true}"#, "bad_message"),
        (#"{"op":"ping","op":"fly"}"#, "bad_message"),
        (#"{"op":"get","model":"M","fields":["values"],"fields":["duals"]}"#, "bad_message"),
        (#"{"op":"update","model":"M","objective":{"crack[heavy]":1,"crack[heavy]":2}}"#, "bad_message"),
        (#"{"op":"fly"}"#, "unknown_op"),
        (#"{"op":"subscribe"}"#, "bad_message"),
        (#"{"op":"subscribe","model":42}"#, "bad_message"),
        (#"{"op":"update","model":"M"}"#, "bad_message"),
        (#"{"op":"update","model":"M","objective":{}}"#, "bad_message"),
        (#"{"op":"update","model":"M","objective":[1]}"#, "bad_message"),
        (#"{"op":"update","model":"m404","objective":{"x":1}}"#, "unknown_model"),
        (#"{"op":"update","model":"M","objective":{"x[diesel]":1}}"#, "unknown_variable"),
        (#"{"op":"update","model":"M","rowBounds":{"nope":[0,1]}}"#, "unknown_row"),
        (#"{"op":"update","model":"M","parameters":{"price[gold]":1}}"#, "unknown_parameter"),
        (#"{"op":"update","model":"M","objective":{"crack[heavy]":"cheap"},"parameters":{"price[jet]":9}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","objective":{"make[jet]":1}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","colBounds":{"crude[light]":[5,3]}}"#, "invalid_value"),
        // Numbers that abort CLP (see SolverRange): refused here, so no worker ever sees them.
        (#"{"op":"update","model":"M","objective":{"crack[heavy]":1e25}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","colBounds":{"crude[light]":[1e308,null]}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","rowBounds":{"balance[jet]":{"lower":1e100}}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","parameters":{"price[jet]":1e300}}"#, "invalid_value"),
        (#"{"op":"update","model":"M","coefficients":[{"row":"cracker","col":"crude[heavy]","value":1e21}]}"#, "invalid_value"),
        (#"{"op":"create","format":"lp","text":"max\n obj: 1e25 x\nst\n c: x <= 1\nend\n"}"#, "invalid_model"),
        (#"{"op":"subscribe","model":"M","fields":["prices"]}"#, "invalid_value"),
        (#"{"op":"subscribe","model":"M","fields":[]}"#, "invalid_value"),
        (#"{"op":"create","model":{"variables":[{"name":"x"},{"name":"x"}]}}"#, "invalid_model"),
        (#"{"op":"create","format":"lp","text":"min\n obj: x\nst\n c: x y >= 1\nend\n"}"#, "invalid_model"),
        (#"{"op":"create","model":{"variables":[{"name":"n","integer":1}]}}"#, "invalid_model"),
        (#"{"op":"create","format":"xls","text":""}"#, "invalid_value"),
    ])
    func badMessagesGetTheirCodeAndChangeNothing(message: String, code: String) async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try await client.createRefinery()
        let text = message.replacingOccurrences(of: "\"M\"", with: "\"\(model)\"")
        let reply = try #require(await client.request(text))
        #expect(reply["type"] == .string("error"))
        #expect(reply["code"] == .string(code), "\(reply)")
        #expect(reply["message"]?.string?.isEmpty == false)
        if text.contains(#""model":"\#(model)""#) || text.contains("m404") {
            #expect(reply["model"] != nil)
        }
        // Still open, and the model is as it was.
        #expect(await client.request(#"{"op":"ping"}"#)?["type"] == .string("pong"))
        let (_, entry) = try await server.json("GET", "/v1/models/\(model)")
        #expect(entry["seq"] == .number(0))
        let (_, list) = try await server.json("GET", "/v1/models")
        if case .array(let models)? = list["models"] { #expect(models.count == 1) }
        client.close()
        await server.stop()
    }

    /// `id` comes back as written, whatever the reply: numbers a double would rewrite (1.50, 1e3,
    /// past 2^53) and escaped strings included.
    @Test func idsAreEchoedVerbatim() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try await client.createRefinery()
        for id in ["1.50", "1e3", "12345678901234567890", "9007199254740993", "-0", #""caf\u00e9""#] {
            for message in [#"{"op":"ping","id":\#(id)}"#, #"{"op":"get","id":\#(id),"model":"\#(model)"}"#,
                            #"{"op":"update","id":\#(id),"model":"\#(model)","objective":{"crack[heavy]":-1}}"#,
                            #"{"op":"update","id":\#(id),"model":"\#(model)","objective":{"nope":1}}"#] {
                client.send(message)
                let reply = try #require(await client.nextText())
                #expect(reply.contains(#","id":\#(id),"#) || reply.hasSuffix(#","id":\#(id)}"#), "\(message) → \(reply)")
            }
        }
        client.close()
        await server.stop()
    }

    /// A key repeated in an update is refused where it repeats, with the message's id and model echoed.
    @Test func aRepeatedKeyIsRefusedWithIdAndModelEchoed() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try await client.createRefinery()
        let text = #"{"op":"update","id":"u7","model":"\#(model)","objective":{"crack[heavy]":1,"crack[heavy]":2}}"#
        let reply = try #require(await client.request(text))
        #expect(reply["code"] == .string("bad_message"))
        #expect(reply["id"] == .string("u7"))
        #expect(reply["model"] == .string(model))
        let column = text.distance(from: text.startIndex, to: text.range(of: #""crack[heavy]":2"#)!.lowerBound) + 1
        #expect(reply["message"] == .string(#"line 1, column \#(column): duplicate key "crack[heavy]""#))
        client.close()
        await server.stop()
    }

    /// A message that is not valid JSON is refused with its id and model echoed, as far as its
    /// text shows them; an "id" inside a nested object is not the message's.
    @Test(arguments: [
        (#"{"op":"update","id":"u9","model":"m7","objective":{"x":NaN}}"#, JSON.string("u9"), "m7"),
        (#"{"op":"ping","id":1.50,"model":"m2""#, JSON.number(1.5), "m2"),
        (#"{"model" : "m3", "op":"get", "id" : 12, "fields":[tru"#, JSON.number(12), "m3"),
        (#"{"op":"update","objective":{"id":5},"model":"m4","x":NaN}"#, nil, "m4"),
        (#"{"op":"update","id":[1],"model":5,"x":NaN}"#, nil, nil),
    ] as [(String, JSON?, String?)])
    func aMessageThatIsNotJSONEchoesTheIdAndModelItShows(text: String, id: JSON?, model: String?) async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let reply = try #require(await client.request(text))
        #expect(reply["code"] == .string("bad_message"))
        #expect(reply["message"]?.string?.hasPrefix("not JSON: ") == true, "\(reply)")
        #expect(reply["id"] == id)
        #expect(reply["model"] == model.map(JSON.string))
        #expect(await client.request(#"{"op":"ping","id":"after"}"#)?["id"] == .string("after"))
        client.close()
        await server.stop()
    }

    /// With several ill-typed update fields, the error names the first in the message, whatever
    /// the process's hash seed (it once depended on a Set's order).
    @Test func anUpdateErrorNamesTheFirstBadFieldInTheMessage() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try await client.createRefinery()
        for (first, second) in [("rowBounds", "objective"), ("objective", "rowBounds"), ("coefficients", "parameters"), ("parameters", "coefficients")] {
            let reply = try #require(await client.request(#"{"op":"update","model":"\#(model)","\#(first)":5,"\#(second)":5}"#))
            #expect(reply["code"] == .string("bad_message"))
            #expect(reply["message"]?.string?.hasPrefix("\(first):") == true, "\(reply)")
        }
        client.close()
        await server.stop()
    }

    /// Names JSON must escape (quotes, backslashes, control characters) and names beyond ASCII
    /// come back as the same strings in snapshots and deltas.
    @Test func namesThatNeedEscapingRoundTripInSolutions() async throws {
        let odd = "say \"hi\" \\ tab\t é", other = "plain"
        let document = JSONWriter.string(.object([
            ("sense", .string("max")),
            ("variables", .array([.object([("name", .string(odd)), ("upper", .number(3))]),
                                  .object([("name", .string(other)), ("upper", .number(2))])])),
            ("objective", .object([("terms", .object([(odd, .number(1)), (other, .number(1))]))])),
            ("constraints", .array([.object([("name", .string("cap \"a\"")), ("terms", .object([(odd, .number(1)), (other, .number(1))])),
                                             ("upper", .number(4))])])),
        ]))
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try #require(await client.request(#"{"op":"create","model":\#(document)}"#)?["model"]?.string)
        #expect(await client.request(#"{"op":"subscribe","model":"\#(model)","fields":["values","duals"]}"#)?["type"] == .string("subscribed"))
        let snapshot = try #require(await client.next())
        #expect(snapshot["values"]?[odd]?.number == 3)
        #expect(snapshot["values"]?[other]?.number == 1)
        #expect(snapshot["duals"]?["cap \"a\""] != nil)
        #expect(await client.request(#"{"op":"update","model":"\#(model)","objective":{\#(JSONWriter.quoted(odd)):-1}}"#)?["type"] == .string("ack"))
        let delta = try #require(await client.next())
        #expect(delta["full"] == .bool(false))
        #expect(delta["values"]?[odd]?.number == 0)
        #expect(delta["values"]?[other]?.number == 2)
        client.close()
        await server.stop()
    }

    @Test func binaryFramesAndOversizedMessagesAreErrorsNotClosures() async throws {
        let server = try await TestServer.start(workers: 1) { $0.maxMessageBytes = 1000 }
        let client = try await server.connect()
        client.client.send(frame: WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: [1, 2, 3])))
        #expect(await client.next()?["code"] == .string("bad_message"))
        client.send(#"{"op":"ping","id":"\#(String(repeating: "x", count: 2000))"}"#)
        #expect(await client.next()?["code"] == .string("too_large"))
        // A message too large to take still has its id and model echoed, read from its text.
        client.send(#"{"op":"update","id":9,"model":"m4","parameters":{"p":1},"pad":"\#(String(repeating: "x", count: 2000))"}"#)
        let refused = await client.next()
        #expect(refused?["code"] == .string("too_large"))
        #expect(refused?["id"] == .number(9))
        #expect(refused?["model"] == .string("m4"))
        #expect(await client.request(#"{"op":"ping"}"#)?["type"] == .string("pong"))
        client.close()
        await server.stop()
    }

    @Test func invalidUTF8ClosesWith1007() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        client.client.send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x7B, 0xFF, 0xFE, 0x7D])))
        #expect(await client.next(within: 5) == nil)
        #expect(client.closeCode == 1007)
        await server.stop()
    }

    @Test func subscribingAgainReplacesFieldsAndSendsASnapshot() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let model = try await client.createRefinery()
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
        #expect(await client.next()?["values"] != nil)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)","fields":["reducedCosts"]}"#)
        let again = try #require(await client.next())
        #expect(again["full"] == .bool(true))
        #expect(again["seq"] == .number(0))
        #expect(again["reducedCosts"] != nil && again["values"] == nil)
        client.close()
        await server.stop()
    }
}

/// Replies come in request order even when a request has to wait (a model to parse, a first
/// solution), with permessage-deflate negotiated or not.
@Test(arguments: [false, true])
func pipelinedRequestsAreAnsweredInOrder(offerDeflate: Bool) async throws {
    let server = try await TestServer.start(workers: 1)
    let client = try await QueuedStreamClient.connect(port: server.port, offerDeflate: offerDeflate)
    client.send(#"{"op":"create","id":"c","model":\#(refineryDocument)}"#)
    client.send(#"{"op":"get","id":"g","model":"m1"}"#)
    client.send(#"{"op":"update","id":"u","model":"m1","parameters":{"price[gasoline]":2.5}}"#)
    client.send(#"{"op":"ping","id":"p"}"#)
    var replies: [String] = []
    while replies.count < 4, let reply = await client.next(within: 30) {
        replies.append("\(reply["type"]?.string ?? "?") \(reply["id"]?.string ?? "?")")
    }
    #expect(replies == ["created c", "solution g", "ack u", "pong p"])
    client.close()
    await server.stop()
}

@Test func permessageDeflateOffersAreAccepted() async throws {
    let server = try await TestServer.start(workers: 1)
    let client = try await QueuedStreamClient.connect(port: server.port, offerDeflate: true)
    #expect(await client.request(#"{"op":"ping","id":1}"#) == .object([("type", .string("pong")), ("id", .number(1))]))
    client.close()
    await server.stop()
}

@Test func aPeerThatStopsAnsweringPingsIsClosedWith1001() async throws {
    // A second between pings: shorter, a peer that answers can miss one while the tests running
    // beside this one (a cold dfl001 solve among them) hold both cores.
    let server = try await TestServer.start(workers: 1) { $0.idleTimeout = 1 }
    let silent = try await QueuedStreamClient.connect(port: server.port, answersPings: false)
    let alive = try await server.connect()
    #expect(await silent.next(within: 10) == nil)
    #expect(silent.closeCode == 1001)
    // One that answers stays open past the same time.
    #expect(await alive.request(#"{"op":"ping"}"#)?["type"] == .string("pong"))
    alive.close()
    await server.stop()
}

/// A client that sends messages in the same write as its upgrade request (before the 101): the
/// upgrader holds them until the connection handler is in place, ahead of what follows.
@Test func messagesSentWithTheUpgradeRequestKeepTheirPlace() async throws {
    let server = try await TestServer.start(workers: 1)
    let (response, replies) = try await upgradeConversation(
        port: server.port,
        withUpgrade: RawWebSocket.frame(#"{"op":"create","id":"c","model":\#(refineryDocument)}"#) + RawWebSocket.frame(#"{"op":"ping","id":"a"}"#),
        after: RawWebSocket.frame(#"{"op":"ping","id":"b"}"#), replies: 3)
    #expect(response.hasPrefix("HTTP/1.1 101"))
    #expect(replies == ["created c", "pong a", "pong b"])
    await server.stop()
}

/// The first fragment arrives with the upgrade request, the rest 100 ms later: one message.
@Test func aMessageBegunWithTheUpgradeRequestIsFinishedWhole() async throws {
    let server = try await TestServer.start(workers: 1)
    let (response, replies) = try await upgradeConversation(
        port: server.port, withUpgrade: RawWebSocket.frame(#"{"op":"ping","#, fin: false), pauseMicros: 100_000,
        after: RawWebSocket.frame(#""id":"f"}"#, opcode: 0x0) + RawWebSocket.frame(#"{"op":"ping","id":"g"}"#), replies: 2)
    #expect(response.hasPrefix("HTTP/1.1 101"))
    #expect(replies == ["pong f", "pong g"])
    await server.stop()
}

/// A message in fragments of 5, 7 and 9 bytes, each masked with a key of its own (RFC 6455
/// masks each frame from its first byte), all reaching the fast handler: unmasked and joined
/// whole, an update that is acknowledged, then a ping answered.
@Test func aMessageInFragmentsMaskedEachWithItsOwnKeyIsReadWhole() async throws {
    let server = try await TestServer.start(workers: 1)
    let client = try await server.connect()
    let model = try await client.createRefinery()
    client.close()
    let message = Array(#"{"op":"update","id":"u","model":"\#(model)","parameters":{"price[jet]":2.5}}"#.utf8)
    let pieces = [message[0..<5], message[5..<12], message[12..<21], message[21...]]
    let keys: [[UInt8]] = [[1, 2, 3, 4], [0xA0, 0xB1, 0xC2, 0xD3], [9, 8, 7, 6], [0x55, 0x66, 0x77, 0x88]]
    var fragments: [UInt8] = []
    for (k, piece) in pieces.enumerated() {
        fragments += RawFrame.masked(opcode: k == 0 ? 0x1 : 0x0, fin: k == pieces.count - 1, payload: Array(piece), key: keys[k])
    }
    let (response, replies) = try await upgradeConversation(
        port: server.port, withUpgrade: [], pauseMicros: 100_000,
        after: fragments + RawWebSocket.frame(#"{"op":"ping","id":"p"}"#), replies: 2)
    #expect(response.hasPrefix("HTTP/1.1 101"))
    #expect(replies == ["ack u", "pong p"])
    await server.stop()
}

/// {"op":"ping","id":"z"} deflated raw with a sync flush, its last four bytes (0 0 FF FF) left
/// out as RFC 7692 §7.2.1 has senders do; made with Python's zlib.
private let deflatedPing: [UInt8] = [
    0xAA, 0x56, 0xCA, 0x2F, 0x50, 0xB2, 0x52, 0x2A, 0xC8, 0xCC, 0x4B, 0x57, 0xD2, 0x51, 0xCA, 0x4C, 0x01, 0xB2, 0xAB, 0x94, 0x6A, 0x01, 0x00,
]

/// A masked text frame with RSV1 set: a compressed message.
private func compressedFrame(_ payload: [UInt8]) -> [UInt8] {
    var frame = RawFrame.masked(opcode: 0x1, payload: payload, key: [7, 7, 7, 7])
    frame[0] |= 0x40
    return frame
}

@Test func aCompressedMessageIsInflatedAndAnswered() async throws {
    let server = try await TestServer.start(workers: 1)
    let (response, replies) = try await upgradeConversation(
        port: server.port, extensions: "permessage-deflate; client_max_window_bits", withUpgrade: [],
        after: compressedFrame(deflatedPing) + RawWebSocket.frame(#"{"op":"ping","id":"plain"}"#), replies: 2)
    #expect(response.contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover"))
    #expect(replies == ["pong z", "pong plain"])
    await server.stop()
}

@Test func anOfferWithAnUnknownParameterIsDeclined() async throws {
    let server = try await TestServer.start(workers: 1)
    let (response, replies) = try await upgradeConversation(
        port: server.port, extensions: "permessage-deflate; x_unknown=1", withUpgrade: [],
        after: RawWebSocket.frame(#"{"op":"ping","id":"p"}"#), replies: 1)
    #expect(response.hasPrefix("HTTP/1.1 101"))
    #expect(!response.contains("permessage-deflate"))
    #expect(replies == ["pong p"])
    await server.stop()
}

/// A compressed frame where no compression was agreed breaks the protocol (1002); compressed
/// data that does not inflate is inconsistent data (1007).
@Test(arguments: [(nil, deflatedPing, 1002), ("permessage-deflate", [0xFF, 0xFF, 0xFF, 0xFF], 1007)] as [(String?, [UInt8], UInt16)])
func badCompressedFramesClose(extensions: String?, payload: [UInt8], code: UInt16) async throws {
    let server = try await TestServer.start(workers: 1)
    let closed = try await onOwnThread {
        let socket = try RawWebSocket(port: server.port)
        defer { socket.close() }
        try socket.write(RawWebSocket.upgradeRequest(port: server.port, extensions: extensions))
        _ = try socket.readUntil("\r\n\r\n")
        try socket.write(compressedFrame(payload))
        return try socket.readCloseCode()
    }
    #expect(closed == code)
    await server.stop()
}

/// Sends `withUpgrade` in the same write as the upgrade request, reads the response, waits
/// `pauseMicros`, sends `after`, and returns the response and the next `count` replies ("type id").
private func upgradeConversation(port: Int, extensions: String? = nil, withUpgrade: [UInt8], pauseMicros: UInt32 = 0,
                                 after: [UInt8], replies count: Int) async throws -> (response: String, replies: [String]) {
    try await onOwnThread {
        let socket = try RawWebSocket(port: port)
        defer { socket.close() }
        try socket.write(RawWebSocket.upgradeRequest(port: port, extensions: extensions) + withUpgrade)
        let response = try socket.readUntil("\r\n\r\n")
        if pauseMicros > 0 { usleep(pauseMicros) }
        try socket.write(after)
        let replies = try (0..<count).map { _ in
            let reply = try JSONParser.parse(try socket.readTextFrame())
            return "\(reply["type"]?.string ?? "?") \(reply["id"]?.string ?? "?")"
        }
        return (response, replies)
    }
}

/// A blocking WebSocket client on a plain socket, for what well-behaved clients never do.
private final class RawWebSocket {
    struct Failure: Error { var reason: String }
    let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        fd = ls_connect_loopback(Int32(port), 30)
        guard fd >= 0 else { throw Failure(reason: "connect: \(-fd)") }
    }

    func close() { _ = Glibc.close(fd) }

    /// The upgrade request, with a `Sec-WebSocket-Extensions` offer if given.
    static func upgradeRequest(port: Int, extensions: String?) -> [UInt8] {
        var request = RawFrame.upgradeRequest(port: port, key: "dGhlIHNhbXBsZSBub25jZQ==")
        if let extensions { request.insert(contentsOf: Array("Sec-WebSocket-Extensions: \(extensions)\r\n".utf8), at: request.count - 2) }
        return request
    }

    /// Reads frames until a close; returns its status code.
    func readCloseCode() throws -> UInt16? {
        while true {
            while let frame = buffered.withUnsafeBytes({ RawFrame.next(in: $0) }) {
                let payload = Array(buffered[frame.payload])
                buffered.removeFirst(frame.length)
                if frame.opcode == 0x8 { return payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil }
            }
            try fill()
        }
    }

    func write(_ bytes: [UInt8]) throws {
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw Failure(reason: "short write") }
    }

    /// A masked text frame, or a fragment of a text message (opcode 0 continues one).
    static func frame(_ text: String, opcode: UInt8 = 0x1, fin: Bool = true) -> [UInt8] {
        RawFrame.masked(opcode: opcode, fin: fin, payload: Array(text.utf8), key: [0x12, 0x34, 0x56, 0x78])
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw Failure(reason: n == 0 ? "closed" : "no reply within 30 s") }
        buffered += chunk[0..<n]
    }

    func readUntil(_ end: String) throws -> String {
        let marker = Array(end.utf8)
        while true {
            if let range = buffered.firstRange(of: marker) {
                defer { buffered.removeFirst(range.upperBound) }
                return String(decoding: buffered[..<range.upperBound], as: UTF8.self)
            }
            try fill()
        }
    }

    /// The next text frame's payload (the server's frames are unmasked and, here, unfragmented).
    func readTextFrame() throws -> String {
        while true {
            while let frame = buffered.withUnsafeBytes({ RawFrame.next(in: $0) }) {
                let payload = String(decoding: buffered[frame.payload], as: UTF8.self)
                buffered.removeFirst(frame.length)
                if frame.opcode == 0x1 { return payload }
            }
            try fill()
        }
    }
}
