import NIOCore
import NIOWebSocket

/// One WebSocket client: its channel and its subscriptions.
///
/// Touched only by the `Coordinator`, which runs on the server's only event loop; that is why
/// the unchecked `Sendable` is safe (the WebSocket handler task only passes it back).
final class Connection: @unchecked Sendable {
    let channel: any Channel
    /// The WebSocket frame encoder's context: frames encoded here once are written below it, so
    /// one message's bytes are shared by every subscriber and no per-write header is built.
    private let encoder: NIOLoopBound<ChannelHandlerContext>?
    /// When the oldest acknowledgement written unflushed was sent.
    private var oldestUnflushedAck: NIODeadline?
    private var ackFlush: Scheduled<Void>?
    var subscriptions: [String: Subscription] = [:]
    var isOpen = true

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

    /// NIO's queue for this socket is below its high-water mark.
    var isWritable: Bool { channel.isWritable }

    /// Writes one text message, already framed by `TextFrame.encode`; the bytes may be shared.
    /// Its flush also sends the acknowledgements written before it, in the same system call.
    func send(message frame: ByteBuffer) {
        guard isOpen else { return }
        oldestUnflushedAck = nil
        writeThroughNIO(frame, flush: true)
    }

    func send(_ text: String) { send(message: TextFrame.encode(text)) }

    /// Writes an acknowledgement and flushes it within a millisecond: usually the solution it
    /// announces is ready sooner, and both leave in one system call. The timer is not cancelled
    /// then: while it is pending, later acks need no timer of their own (arming one is a system
    /// call). When it fires it flushes only acks held for a millisecond; a younger one (the
    /// next update's, its solve under way) gets the timer again for the rest of its millisecond,
    /// so its client is not woken for an ack alone in the middle of each solve.
    func sendAck(_ text: String) {
        guard isOpen, encoder != nil, channel.eventLoop.inEventLoop else { return send(text) }
        writeThroughNIO(TextFrame.encode(text), flush: false)
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

    private func flushAcks() {
        guard isOpen else { return }
        oldestUnflushedAck = nil
        channel.flush()
    }

    /// Writes below the frame encoder: the frame is already encoded.
    private func writeThroughNIO(_ frame: ByteBuffer, flush: Bool) {
        if let encoder, channel.eventLoop.inEventLoop {
            if flush {
                encoder.value.writeAndFlush(NIOAny(frame), promise: nil)
            } else {
                encoder.value.write(NIOAny(frame), promise: nil)
            }
        } else {
            // Off the channel's loop, or with no encoder: the channel's own write, safe from any thread.
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: TextFrame.payload(of: frame)), promise: nil)
        }
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
