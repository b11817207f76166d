import NIOCore
import NIOWebSocket

/// Owns one `/v1/stream` WebSocket after the upgrade, in both directions: it joins data frames
/// into messages and hands them to the coordinator on the loop, in arrival order and in the same
/// tick; it answers pings, sends its own to find peers that went silent, and runs the close
/// handshake. What the coordinator writes goes out through the `Connection` it made.
///
/// `create` and `get` finish asynchronously (a model to parse, a solution to wait for): the
/// messages after one wait in an inbox, and reading stops while the inbox is full.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Messages waiting behind a deferred one before reading stops.
    static let inboxLimit = 64

    private enum Inbound {
        case text(String)
        case rejected(RequestError, id: EchoedID?)
    }

    private let coordinator: Coordinator
    private let idleTimeout: TimeAmount
    private var assembler: MessageAssembler
    private var connection: Connection?
    private var context: ChannelHandlerContext?
    private var inbox = CircularBuffer<Inbound>()
    private var isWaiting = false
    private var readWithheld = false
    /// Whether anything came from the peer since the last ping.
    private var heardSincePing = true
    private var pingTimer: Scheduled<Void>?

    private let access: Access

    init(coordinator: Coordinator, configuration: ServerConfiguration, deflate: Bool, access: Access = .open) {
        self.coordinator = coordinator
        self.access = access
        self.idleTimeout = .nanoseconds(Int64(configuration.idleTimeout * 1e9))
        self.assembler = MessageAssembler(configuration, deflate: deflate)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let (boundContext, boundSelf) = (NIOLoopBound(context, eventLoop: context.eventLoop), NIOLoopBound(self, eventLoop: context.eventLoop))
        let access = self.access
        let connection = coordinator.assumeIsolated { coordinator in
            NIOLoopBound(coordinator.connect(context: boundContext.value, handler: boundSelf.value, access: access), eventLoop: coordinator.loop)
        }
        self.connection = connection.value
        schedulePing(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pingTimer?.cancel()
        pingTimer = nil
        if let connection {
            connection.closed()
            let bound = NIOLoopBound(connection, eventLoop: context.eventLoop)
            coordinator.assumeIsolated { $0.disconnect(bound.value) }
        }
        // The connection holds the context, which holds this handler: let go of it.
        connection = nil
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        heardSincePing = true
        switch frame.opcode {
        case .text, .binary, .continuation:
            take(frame)
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            // Closed by the peer: answer with its code, as RFC 6455 §5.5.1 asks. Closed by us: done.
            var body = frame.unmaskedData
            let code = body.readWebSocketErrorCode() ?? .normalClosure
            if connection?.isOpen == true { connection?.close(code: code) } else { context.close(promise: nil) }
        default:
            connection?.close(code: .protocolError)
        }
    }

    /// Withholds reading while messages pile up behind a deferred one.
    func read(context: ChannelHandlerContext) {
        if inbox.count >= Self.inboxLimit {
            readWithheld = true
        } else {
            context.read()
        }
    }

    /// The peer closed its side of the TCP connection without a close frame (the server allows
    /// half-closure for HTTP): nothing more will come, so the connection ends now, not at the
    /// next unanswered ping.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A frame the decoder refused (too large, malformed): its error handler has sent the close.
        context.close(promise: nil)
    }

    private func take(_ frame: WebSocketFrame) {
        guard let connection, connection.isOpen else { return }
        switch assembler.add(frame) {
        case nil: return
        case .text(let text)?: inbox.append(.text(text))
        case .rejected(let error, let id)?: inbox.append(.rejected(error, id: id))
        case .invalidData?: return connection.close(code: .dataInconsistentWithMessage)
        case .protocolError?: return connection.close(code: .protocolError)
        }
        drain()
    }

    private func drain() {
        guard let connection, let context else { return }
        // Checked on the loop at run time: the coordinator's executor is this channel's loop.
        let bound = NIOLoopBound(connection, eventLoop: context.eventLoop)
        while !isWaiting, let next = inbox.popFirst() {
            let deferred = coordinator.assumeIsolated { coordinator -> DeferredRequest? in
                switch next {
                case .text(let text): return coordinator.start(text, from: bound.value)
                case .rejected(let error, let id):
                    coordinator.reject(error, id: id, from: bound.value)
                    return nil
                }
            }
            if let deferred {
                isWaiting = true
                coordinator.assumeIsolated { $0.finishLater(deferred, from: bound.value) }
            }
        }
        if readWithheld, inbox.count < Self.inboxLimit {
            readWithheld = false
            context.read()
        }
    }

    /// The coordinator answered the deferred request: the messages behind it go on.
    func deferredFinished() {
        isWaiting = false
        drain()
    }

    /// Pings every idle timeout; a peer that sent nothing since the last ping is closed with 1001.
    private func schedulePing(context: ChannelHandlerContext) {
        pingTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [self] in
            guard let connection, connection.isOpen else { return }
            guard heardSincePing else { return connection.close(code: .goingAway) }
            heardSincePing = false
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "livesolve"))), promise: nil)
            schedulePing(context: context)
        }
    }
}
