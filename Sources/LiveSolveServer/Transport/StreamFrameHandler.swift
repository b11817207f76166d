import NIOCore
import NIOWebSocket

/// The fast path for `/v1/stream` on connections without permessage-deflate: a plain SwiftNIO
/// handler right after the frame decoder assembles data frames into messages and hands them to
/// the coordinator on the loop, in the same tick, instead of through Hummingbird's async inbound
/// stream (a task resume and an actor hop per message). Control frames (ping, pong, close) pass on
/// to Hummingbird, which keeps the pings, the idle timeout and the close handshake.
///
/// Messages are handled in arrival order:
/// - Frames that reached Hummingbird's stream before this handler was inserted are handled
///   there. A marker frame, sent down behind them, says when they are done; until then this
///   handler holds what it receives. A message begun there is finished here.
/// - `create` and `get` finish asynchronously; messages after one wait in an inbox, and reading
///   stops while the inbox is full.
final class StreamFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    /// What Hummingbird's stream reader needs to recognise the marker and report it.
    struct Marker: Sendable {
        fileprivate let bytes: ByteBuffer
        fileprivate let handler: NIOLoopBound<StreamFrameHandler>

        /// Whether a data frame from Hummingbird's stream is the marker: binary, with its 16 random bytes.
        func matches(isBinary: Bool, data: ByteBuffer) -> Bool { isBinary && data == bytes }

        /// Everything before the marker is handled: the handler takes over, continuing from
        /// the stream reader's assembler (a message may have begun before the marker).
        func reached(continuing assembler: MessageAssembler) {
            let handler = self.handler
            handler.eventLoop.execute { handler.value.release(continuing: assembler) }
        }
    }

    private enum Inbound {
        case text(String)
        case rejected(RequestError)
    }

    /// Messages waiting behind a deferred one before reading stops.
    static let inboxLimit = 64

    private let connection: Connection
    private let coordinator: Coordinator
    private var assembler: MessageAssembler
    private let markerBytes: ByteBuffer
    /// Frames received before the marker went through Hummingbird's stream; nil once it has.
    private var held: [WebSocketFrame]? = []
    private var inbox = CircularBuffer<Inbound>()
    private var isWaiting = false
    private var readWithheld = false
    private var context: ChannelHandlerContext?

    private init(connection: Connection, coordinator: Coordinator, configuration: ServerConfiguration) {
        self.connection = connection
        self.coordinator = coordinator
        self.assembler = MessageAssembler(configuration)
        self.markerBytes = ByteBuffer(bytes: (0..<16).map { _ in UInt8.random(in: 0...255) })
    }

    /// Inserts the handler after the frame decoder and sends the marker on towards Hummingbird's
    /// stream. Nil (stay on the async path) when the channel is not on the coordinator's loop.
    static func install(on channel: any Channel, connection: Connection, coordinator: Coordinator,
                        configuration: ServerConfiguration) async -> Marker? {
        try? await channel.eventLoop.submit { () -> Marker? in
            guard coordinator.loop.inEventLoop else { return nil }
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            let handler = StreamFrameHandler(connection: connection, coordinator: coordinator, configuration: configuration)
            try channel.pipeline.syncOperations.addHandler(handler, position: .after(decoder))
            handler.sendMarker()
            return Marker(bytes: handler.markerBytes, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }.get()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    private func sendMarker() {
        guard let context else { return }
        context.fireChannelRead(wrapInboundOut(WebSocketFrame(fin: true, opcode: .binary, data: markerBytes)))
        // Hummingbird's stream delivers what it buffered on read-complete.
        context.fireChannelReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            if held != nil { held!.append(frame) } else { take(frame) }
        default:
            context.fireChannelRead(data)
        }
    }

    /// Withholds reading while messages pile up behind a deferred one.
    func read(context: ChannelHandlerContext) {
        if inbox.count + (held?.count ?? 0) >= Self.inboxLimit {
            readWithheld = true
        } else {
            context.read()
        }
    }

    private func release(continuing earlier: MessageAssembler) {
        guard let frames = held else { return }
        held = nil
        assembler = earlier
        for frame in frames { take(frame) }
        drain()
    }

    private func take(_ frame: WebSocketFrame) {
        guard connection.isOpen else { return }
        // No extension was negotiated on this connection, so no reserved bit may be set.
        guard frame.reservedBits.isEmpty else { return connection.close(code: .protocolError) }
        let outcome = assembler.add(startsMessage: frame.opcode != .continuation, isBinary: frame.opcode == .binary,
                                    fin: frame.fin, data: frame.data, maskKey: frame.maskKey)
        switch outcome {
        case nil: return
        case .text(let text)?: inbox.append(.text(text))
        case .rejected(let error)?: inbox.append(.rejected(error))
        case .invalidUTF8?: return connection.close(code: .dataInconsistentWithMessage)
        }
        drain()
    }

    private func drain() {
        let (coordinator, connection) = (self.coordinator, self.connection)
        while !isWaiting, let next = inbox.popFirst() {
            let deferred = coordinator.assumeIsolated { coordinator -> DeferredRequest? in
                switch next {
                case .text(let text): return coordinator.start(text, from: connection)
                case .rejected(let error):
                    coordinator.reject(error, from: connection)
                    return nil
                }
            }
            if let deferred { wait(for: deferred) }
        }
        if readWithheld, inbox.count < Self.inboxLimit, let context {
            readWithheld = false
            context.read()
        }
    }

    private func wait(for deferred: DeferredRequest) {
        guard let context else { return }
        isWaiting = true
        let (coordinator, connection) = (self.coordinator, self.connection)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        Task {
            await coordinator.finish(deferred, from: connection)
            handler.eventLoop.execute {
                handler.value.isWaiting = false
                handler.value.drain()
            }
        }
    }
}
