import Dispatch
import LiveSolveModel
import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import LiveSolveServer

/// The bytes each connection handler writes, on a testing event loop with the coordinator on
/// it, a real in-process worker behind the pool, and no sockets: what goes out, when it is
/// flushed, and which buffers the connections share.
@Suite struct ConnectionHandlerTests {
    let loop = NIOAsyncTestingEventLoop()
    let coordinator: Coordinator
    /// The worker's replies pass through here; suspending it holds them back.
    let replies = DispatchQueue(label: "worker replies")

    init() async {
        var configuration = ServerConfiguration()
        configuration.workerCount = 1
        // Every update goes through the worker, whose replies these tests hold back.
        configuration.rangingFastPath = false
        coordinator = Coordinator(loop: loop, configuration: configuration, metrics: ServerMetrics(), logger: Logger(label: "test"))
        await coordinator.startWorkers(launcher: InProcessWorker.Launcher(replies: replies))
    }

    /// A WebSocket connection's channel with its handler, as the upgrade leaves it.
    func connect() async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel(loop: loop)
        try await channel.pipeline.addHandler(ConnectionHandler(coordinator: coordinator, configuration: ServerConfiguration(), deflate: false))
        try await channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).get()
        return channel
    }

    func send(_ text: String, on channel: NIOAsyncTestingChannel) async throws {
        try await channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    /// The next frame flushed on `channel`, running the loop's due tasks while waiting (the
    /// worker answers from another thread); nil after 10 s.
    func next(on channel: NIOAsyncTestingChannel) async throws -> WebSocketFrame? {
        for _ in 0..<1_000 {
            await loop.run()
            if let frame = try await channel.readOutbound(as: WebSocketFrame.self) { return frame }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func json(_ frame: WebSocketFrame?) throws -> JSON {
        try JSONParser.parse(String(buffer: try #require(frame).data))
    }

    /// Creates the refinery model and subscribes `channels` to it; returns the model's id,
    /// each channel's snapshot read.
    func subscribed(_ channels: [NIOAsyncTestingChannel]) async throws -> String {
        let model = try await coordinator.create(.document(try JSONParser.parse(refineryDocument)), name: nil)
        for channel in channels {
            try await send(#"{"op":"subscribe","model":"\#(model)"}"#, on: channel)
            #expect(try json(await next(on: channel))["type"] == .string("subscribed"))
            #expect(try json(await next(on: channel))["full"] == .bool(true))
        }
        return model
    }

    func finish(_ channels: [NIOAsyncTestingChannel]) async throws {
        for channel in channels { try await channel.close().get() }
        await coordinator.stopWorkers()
        // Runs what timers remain (acks' flushes, the lagging check), so the loop ends empty.
        await loop.advanceTime(by: .seconds(60))
    }

    @Test func aSolutionIsEncodedOnceAndWrittenToEverySubscriber() async throws {
        let channels = [try await connect(), try await connect(), try await connect()]
        let model = try await subscribed(channels)
        try await send(#"{"op":"update","model":"\#(model)","parameters":{"price[gasoline]":2.9}}"#, on: channels[0])
        _ = try await next(on: channels[0])  // the ack
        var frames: [WebSocketFrame] = []
        for channel in channels { frames.append(try #require(await next(on: channel))) }
        let texts = frames.map { String(buffer: $0.data) }
        #expect(Set(texts).count == 1)
        #expect(try JSONParser.parse(texts[0])["seq"] == .number(1))
        #expect(try JSONParser.parse(texts[0])["full"] == .bool(false))
        // One buffer behind all three frames: the same bytes, not three copies.
        let storage = frames.map { $0.data.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }
        #expect(Set(storage).count == 1)
        try await finish(channels)
    }

    @Test func anAckIsFlushedWithTheSolutionItAnnounces() async throws {
        let channel = try await connect()
        let model = try await subscribed([channel])
        replies.suspend()
        try await send(#"{"op":"update","id":"u","model":"\#(model)","parameters":{"price[gasoline]":2.9}}"#, on: channel)
        await loop.run()
        // Written, not flushed: the solution is held back, and the ack's own timer is a
        // millisecond away on a clock that does not move.
        #expect(try await channel.readOutbound(as: WebSocketFrame.self) == nil)
        replies.resume()
        let ack = try json(await next(on: channel))
        #expect(ack["type"] == .string("ack"))
        #expect(ack["id"] == .string("u"))
        #expect(ack["seq"] == .number(1))
        // Flushed together: the solution is already there.
        let solution = try #require(try await channel.readOutbound(as: WebSocketFrame.self))
        #expect(try json(solution)["seq"] == .number(1))
        try await finish([channel])
    }

    @Test func aSlowSubscriberCatchesUpWithOneDelta() async throws {
        let (fast, slow) = (try await connect(), try await connect())
        let model = try await subscribed([fast, slow])
        slow.isWritable = false
        for (seq, price) in [(1, 2.9), (2, 3.1), (3, 3.3)] {
            try await send(#"{"op":"update","model":"\#(model)","parameters":{"price[gasoline]":\#(price)}}"#, on: fast)
            _ = try await next(on: fast)  // the ack
            #expect(try json(await next(on: fast))["seq"] == .number(Double(seq)))
        }
        #expect(try await slow.readOutbound(as: WebSocketFrame.self) == nil)
        slow.isWritable = true
        await loop.advanceTime(by: .milliseconds(10))  // the lagging check
        let caughtUp = try json(await next(on: slow))
        #expect(caughtUp["seq"] == .number(3))
        #expect(caughtUp["full"] == .bool(false))
        #expect(try await slow.readOutbound(as: WebSocketFrame.self) == nil)
        try await finish([fast, slow])
    }
}
