import NIOCore
import NIOWebSocket

/// One WebSocket client: its channel and its subscriptions.
///
/// Touched only by the `Coordinator`, which runs on the server's only event loop; that is why
/// the unchecked `Sendable` is safe (the WebSocket handler task only passes it back).
final class Connection: DirectInput, @unchecked Sendable {
    /// One subscription, shared by the connection's table and the model's subscriber list, so
    /// publishing reaches each subscriber's state without a dictionary lookup.
    final class Subscription {
        let connection: Connection
        var fields: FieldSet
        /// The number of the last version sent to this subscriber (0: none yet).
        var sentVersion = 0
        /// Waiting for its first snapshot: the solution must include updates up to this seq.
        var snapshotAfterSeq: Int?
        /// Skipped because the socket was not writable; caught up when it drains.
        var isLagging = false
        /// Whether it has been sent maps to apply deltas to (a model with no solution yet sends none).
        var hasMaps = false
        /// False once unsubscribed, replaced by a new subscribe, or its connection closed: a
        /// fan-out pass under way skips it.
        var isActive = true

        init(connection: Connection, fields: FieldSet) {
            self.connection = connection
            self.fields = fields
        }
    }

    let channel: any Channel
    /// The WebSocket frame encoder's context: frames encoded here once are written below it, so
    /// one message's bytes are shared by every subscriber and no per-write header is built.
    private let encoder: NIOLoopBound<ChannelHandlerContext>?
    /// The socket, written past NIO's pipeline; nil on connections that stay on NIO (see `DirectSocket`).
    private var direct: DirectSocket?
    /// Whether the loop's poll may read this connection's socket itself (`readInput`): set by
    /// `StreamFrameHandler` while it takes every message as it comes.
    var acceptsDirectReads = false
    /// Writes handed to NIO and not yet written (or failed), counted on direct connections:
    /// direct writes wait behind them.
    private var writesInNIO = 0
    /// Acknowledgements held for the solution they announce (direct connections; on NIO they
    /// wait unflushed in the channel instead).
    private var heldAcks: ByteBuffer?
    /// When the oldest acknowledgement not yet flushed (held here, or unflushed in NIO) was sent.
    private var oldestUnflushedAck: NIODeadline?
    private var ackFlush: Scheduled<Void>?
    var subscriptions: [String: Subscription] = [:]
    var isOpen = true
    /// When a solution was last sent here, until the client's next message.
    private var solutionSentAt: NIODeadline?
    /// How soon this client sent a message after the solution before it (see `LoopPoller`).
    private(set) var answersWithin: TimeAmount?
    /// The model this client's last message updated: its next message likely updates it too
    /// (`Coordinator.prepareWorker`). Weak: a deleted model is not kept for it.
    weak var lastUpdated: ModelRecord?

    init(channel: any Channel, encoder: NIOLoopBound<ChannelHandlerContext>?) {
        self.channel = channel
        self.encoder = encoder
    }

    /// Finds the frame encoder's context on the channel's loop (nil if the pipeline has none).
    static func encoderContext(of channel: any Channel) async -> NIOLoopBound<ChannelHandlerContext>? {
        try? await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self), eventLoop: channel.eventLoop)
        }.get()
    }

    /// From now on writes go straight to the socket when nothing waits in NIO. Only with a handler
    /// in the pipeline that reports the channel's other writes (`willPassOtherWrite`) and its close.
    func writeDirectly(to socket: DirectSocket) {
        guard encoder != nil, channel.eventLoop.inEventLoop else { return }
        direct = socket
    }

    /// Back to NIO for every write: the socket closed, or the handler reporting writes left.
    func stopWritingDirectly() {
        direct = nil
    }

    /// The socket while the loop's poll may read it itself.
    var inputDescriptor: CInt? { acceptsDirectReads ? direct?.descriptor : nil }

    /// Reads what has arrived on the socket straight away and passes it down the channel's
    /// pipeline as NIO's own read would: for the loop's poll, which sees the next message of a
    /// client that answers each solution arrive (`LoopPoller`), so the message skips NIO's next
    /// `epoll_wait` and its read path. Only on a direct connection (its descriptor is the
    /// socket's until `channelInactive` forgets it) while `StreamFrameHandler` reads on. A read
    /// error other than "nothing waiting" closes the channel, as NIO's read does.
    func readInput() {
        guard let direct, acceptsDirectReads else { return }
        switch direct.receive(upTo: Self.directReadBytes, allocator: channel.allocator) {
        case .bytes(let bytes):
            channel.pipeline.syncOperations.fireChannelRead(NIOAny(bytes))
            channel.pipeline.syncOperations.fireChannelReadComplete()
        case .nothing: return
        case .failed: channel.close(promise: nil)
        }
    }

    /// Room for an update message or several; more waits for the next read.
    private static let directReadBytes = 4096

    /// Nothing is queued in NIO, or NIO's queue is below its high-water mark.
    var isWritable: Bool { (direct != nil && writesInNIO == 0) || channel.isWritable }

    /// Whether the next write may go straight to the socket.
    private var writesDirectly: Bool { direct != nil && writesInNIO == 0 }

    /// Writes one text message, already framed by `TextFrame.encode`; the bytes may be shared.
    /// Held acknowledgements go first, in the same system call.
    func send(frame: ByteBuffer) {
        guard isOpen else { return }
        let acks = heldAcks
        heldAcks = nil
        oldestUnflushedAck = nil
        if writesDirectly, let direct {
            if let unwritten = direct.write(acks, frame) { writeThroughNIO(unwritten, flush: true) }
        } else {
            if let acks { writeThroughNIO(acks, flush: false) }
            writeThroughNIO(frame, flush: true)
        }
    }

    func send(_ text: String) { send(frame: TextFrame.encode(text)) }

    /// Writes an acknowledgement and flushes it within a millisecond: usually the solution it
    /// announces is ready sooner, and both leave in one system call. The timer is not cancelled
    /// then: while it is pending, later acks need no timer of their own (arming one is a system
    /// call). When it fires it flushes only acks held for a millisecond; a younger one (the
    /// next update's, its solve under way) gets the timer again for the rest of its millisecond,
    /// so its client is not woken for an ack alone in the middle of each solve.
    func sendAck(_ text: String) {
        guard isOpen, encoder != nil, channel.eventLoop.inEventLoop else { return send(text) }
        let frame = TextFrame.encode(text)
        if writesDirectly {
            heldAcks = heldAcks.map { var acks = $0; acks.writeImmutableBuffer(frame); return acks } ?? frame
        } else {
            writeThroughNIO(frame, flush: false)
        }
        if oldestUnflushedAck == nil { oldestUnflushedAck = .now() }
        if ackFlush == nil { scheduleAckFlush() }
    }

    private func scheduleAckFlush() {
        guard let oldest = oldestUnflushedAck else { return }
        ackFlush = channel.eventLoop.scheduleTask(deadline: oldest + Self.ackDelay) { [self] in
            ackFlush = nil
            guard let oldest = oldestUnflushedAck else { return }
            if oldest + Self.ackDelay <= .now() { flushAcks() } else { scheduleAckFlush() }
        }
    }

    private static let ackDelay = TimeAmount.milliseconds(1)

    /// Another handler is about to write on the channel (a pong, a ping, a close): held acks go
    /// first, and NIO's write is counted so direct writes wait behind it.
    func willPassOtherWrite(promise: EventLoopPromise<Void>?) -> EventLoopPromise<Void>? {
        sendHeldAcks()
        guard let tracked = trackedPromise() else { return promise }
        if let promise { tracked.futureResult.cascade(to: promise) }
        return tracked
    }

    private func flushAcks() {
        guard isOpen else { return }
        oldestUnflushedAck = nil
        sendHeldAcks()
        // Acks written to NIO unflushed (a connection on NIO, or one with writes waiting there).
        if !writesDirectly { channel.flush() }
    }

    private func sendHeldAcks() {
        guard isOpen, let acks = heldAcks else { return }
        heldAcks = nil
        send(frame: acks)
    }

    /// On a direct connection, a promise for a write handed to NIO, counted until NIO completes it.
    private func trackedPromise() -> EventLoopPromise<Void>? {
        guard direct != nil else { return nil }
        writesInNIO += 1
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] _ in writesInNIO -= 1 }
        return promise
    }

    /// Writes below the frame encoder (on a direct connection, counted until written).
    private func writeThroughNIO(_ frame: ByteBuffer, flush: Bool) {
        let promise = trackedPromise()
        if let encoder, channel.eventLoop.inEventLoop {
            if flush {
                encoder.value.writeAndFlush(NIOAny(frame), promise: promise)
            } else {
                encoder.value.write(NIOAny(frame), promise: promise)
            }
        } else {
            // Off the channel's loop, or with no encoder: the channel's own write, safe from any thread.
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: TextFrame.payload(of: frame)), promise: promise)
        }
    }

    /// A solution was written. A client that did not answer the one before is not answering
    /// solutions: the loop does not poll for it.
    func solutionSent(at time: NIODeadline) {
        if solutionSentAt != nil { answersWithin = nil }
        solutionSentAt = time
    }

    /// A message arrived: if it follows a solution, how soon is this client's answer time.
    func messageArrived() {
        guard let sent = solutionSentAt else { return }
        answersWithin = .now() - sent
        solutionSentAt = nil
    }

    /// Closes with a status code, e.g. 1007 for invalid UTF-8.
    func close(code: WebSocketErrorCode) {
        guard isOpen else { return }
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        isOpen = false
        channel.close(promise: nil)
    }
}
