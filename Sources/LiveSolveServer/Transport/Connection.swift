import NIOCore
import NIOWebSocket

/// One WebSocket client as the coordinator sees it: its subscriptions, and its messages on their
/// way out through its `ConnectionHandler`.
///
/// Writes are flushed once per loop turn: a fan-out pass or an answer that writes several
/// messages to one connection sends them in one system call. An acknowledgement waits up to a
/// millisecond for the solution it announces, so both usually leave together.
final class Connection {
    /// The handler's context: messages written here pass down to the frame encoder.
    private let context: ChannelHandlerContext
    /// Kept apart from the context: every fan-out visit asks it whether it is writable.
    private let channel: any Channel
    /// Weak: a request finishing after the channel closed finds no handler to resume.
    private weak var handler: ConnectionHandler?
    /// Where this connection waits for the end of the loop turn to be flushed.
    private let flushes: PendingFlushes
    var subscriptions: [String: Subscription] = [:]
    /// What its token allows: set by the upgrade's `Authorization` header, then by `auth`.
    var access: Access
    private(set) var isOpen = true
    private var isFlushScheduled = false
    /// When the oldest acknowledgement written unflushed was sent.
    private var oldestUnflushedAck: NIODeadline?
    private var ackFlush: Scheduled<Void>?

    init(context: ChannelHandlerContext, handler: ConnectionHandler, flushes: PendingFlushes, access: Access) {
        self.context = context
        self.access = access
        self.channel = context.channel
        self.handler = handler
        self.flushes = flushes
    }

    /// Replies waiting behind an ack not yet filled (its change not yet stored), so that the
    /// client sees its replies in the order of its requests; `firstSlot` numbers the first.
    private var held = CircularBuffer<HeldReply>()
    private var firstSlot = 0

    private enum HeldReply {
        case waiting
        case message(ByteBuffer)
        case ack(String)
    }

    /// A place in the reply order for an answer that comes later (an update's ack, once stored).
    func reserveReply() -> Int {
        held.append(.waiting)
        return firstSlot + held.count - 1
    }

    /// Fills a reserved place: with the ack, or with an error message.
    func fill(_ slot: Int, ack: String? = nil, message: String? = nil) {
        let offset = slot - firstSlot
        guard offset >= 0, offset < held.count else { return }
        let index = held.index(held.startIndex, offsetBy: offset)
        if let ack { held[index] = .ack(ack) }
        if let message { held[index] = .message(ByteBuffer(string: message)) }
        while let first = held.first {
            switch first {
            case .waiting: return
            case .message(let buffer): write(message: buffer)
            case .ack(let text): writeAck(text)
            }
            held.removeFirst()
            firstSlot += 1
        }
    }

    /// NIO's queue for this socket is below its high-water mark.
    var isWritable: Bool { channel.isWritable }

    /// Writes one text message, after any reply still waiting; the bytes may be shared with
    /// other connections.
    func send(message: ByteBuffer) {
        guard held.isEmpty else { return held.append(.message(message)) }
        write(message: message)
    }

    private func write(message: ByteBuffer) {
        guard isOpen else { return }
        context.write(NIOAny(WebSocketFrame(fin: true, opcode: .text, data: message)), promise: nil)
        // The flush takes the acknowledgements written before it along.
        oldestUnflushedAck = nil
        scheduleFlush()
    }

    func send(_ text: String) { send(message: ByteBuffer(string: text)) }

    /// Writes an acknowledgement, flushed with the next message or within a millisecond. The
    /// timer is not cancelled by that message: while it is pending, later acks need no timer of
    /// their own (arming one is a system call). When it fires it flushes only acks held for a
    /// millisecond; a younger one gets the timer again for the rest of its millisecond.
    func sendAck(_ text: String) {
        guard held.isEmpty else { return held.append(.ack(text)) }
        writeAck(text)
    }

    private func writeAck(_ text: String) {
        guard isOpen else { return }
        context.write(NIOAny(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))), promise: nil)
        if oldestUnflushedAck == nil { oldestUnflushedAck = .now() }
        if ackFlush == nil { scheduleAckFlush() }
    }

    private static let ackDelay = TimeAmount.milliseconds(1)

    private func scheduleAckFlush() {
        guard let oldest = oldestUnflushedAck else { return }
        ackFlush = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest + Self.ackDelay) { [self] in ackTimerFired() }
    }

    private func ackTimerFired() {
        ackFlush = nil
        guard let oldest = oldestUnflushedAck, isOpen else { return }
        if oldest + Self.ackDelay <= .now() {
            oldestUnflushedAck = nil
            context.flush()
        } else {
            scheduleAckFlush()
        }
    }

    private func scheduleFlush() {
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        flushes.add(self)
    }

    /// The loop turn's writes are done.
    func flush() {
        isFlushScheduled = false
        if isOpen { context.flush() }
    }

    /// Closes with a status code: 1001 when the server stops, 1007 for invalid UTF-8.
    func close(code: WebSocketErrorCode) {
        guard isOpen else { return }
        isOpen = false
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        context.writeAndFlush(NIOAny(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        context.close(promise: nil)
    }

    /// A deferred request (`create`, `get`) was answered: the messages behind it go on.
    func deferredFinished() {
        handler?.deferredFinished()
    }

    /// The channel closed: nothing more is written.
    func closed() {
        isOpen = false
    }
}
