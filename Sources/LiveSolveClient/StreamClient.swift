import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A WebSocket client for `/v1/stream` on plain SwiftNIO: one channel and one small handler per
/// connection, cheap enough that a load test holds 10 000 of them.
///
/// Messages arrive through `onMessage` on the connection's event loop, in order.
public final class StreamClient: Sendable {
    public let channel: any Channel
    private let maskKeys: NIOLockedValueBox<MaskKeyGenerator>

    private init(channel: any Channel) {
        self.channel = channel
        self.maskKeys = NIOLockedValueBox(MaskKeyGenerator())
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The upgrade header that carries a bearer token, if there is one.
    public static func authorization(_ token: String?) -> [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    /// Connects and upgrades; `onMessage` receives every complete text message (and `onClose` the close code).
    public static func connect(host: String = "127.0.0.1", port: Int, path: String = "/v1/stream",
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               offerDeflate: Bool = false,
                               receiveBufferBytes: Int? = nil,
                               answersPings: Bool = true,
                               headers: [(String, String)] = [],
                               secure: Bool = false,
                               trustRoots: String? = nil,
                               onMessage: @escaping @Sendable (String) -> Void,
                               onClose: @escaping @Sendable (WebSocketErrorCode?) -> Void = { _ in }) async throws -> StreamClient {
        try await connect(host: host, port: port, path: path, group: group, offerDeflate: offerDeflate,
                          receiveBufferBytes: receiveBufferBytes, answersPings: answersPings, headers: headers, secure: secure, trustRoots: trustRoots,
                          onBytes: { onMessage(String(buffer: $0)) }, onClose: onClose)
    }

    /// As above, handing each message's bytes over undecoded: for load clients that read one field of many messages.
    public static func connect(host: String = "127.0.0.1", port: Int, path: String = "/v1/stream",
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               offerDeflate: Bool = false,
                               receiveBufferBytes: Int? = nil,
                               answersPings: Bool = true,
                               headers: [(String, String)] = [],
                               secure: Bool = false,
                               trustRoots: String? = nil,
                               onBytes onMessage: @escaping @Sendable (ByteBuffer) -> Void,
                               onClose: @escaping @Sendable (WebSocketErrorCode?) -> Void = { _ in }) async throws -> StreamClient {
        // wss: TLS first, trusting the system's roots, or the certificates in `trustRoots` (a PEM file).
        let tls = try (secure || trustRoots != nil) ? {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let trustRoots { configuration.trustRoots = .file(trustRoots) }
            return try NIOSSLContext(configuration: configuration)
        }() : nil
        let upgraded = group.next().makePromise(of: Void.self)
        var bootstrap = ClientBootstrap(group: group)
        if let receiveBufferBytes {
            // A small receive window makes a slow reader's backpressure reach the server quickly (tests).
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBufferBytes))
        }
        // The promise is failed as well when the connection is not made, so nothing is left waiting on it.
        let connected = bootstrap
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(
                    requestKey: randomKey(),
                    maxFrameSize: 1 << 26,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(MessageHandler(answersPings: answersPings, onMessage: onMessage, onClose: onClose))
                            upgraded.succeed()
                        }
                    })
                if let tls {
                    do {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host.first?.isNumber == true ? nil : host))
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
                let request = UpgradeRequestHandler(host: host, port: port, path: path, offerDeflate: offerDeflate, extraHeaders: headers, failed: upgraded)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in
                            channel.pipeline.removeHandler(name: "upgrade-request", promise: nil)
                        }))
                    try channel.pipeline.syncOperations.addHandler(request, name: "upgrade-request")
                }
            }
            .connect(host: host, port: port)
        let channel: any Channel
        do {
            channel = try await connected.get()
        } catch {
            upgraded.fail(error)
            throw error
        }
        do {
            try await upgraded.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return StreamClient(channel: channel)
    }

    /// Sends one text message (masked, as a client must).
    public func send(_ text: String) {
        send(frame: WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    /// Sends a raw frame (tests use it for binary frames and invalid UTF-8); it is masked here.
    public func send(frame: WebSocketFrame) {
        var frame = frame
        frame.maskKey = maskKeys.withLockedValue { .random(using: &$0) }
        channel.writeAndFlush(frame, promise: nil)
    }

    /// Stops reading from the socket (a slow consumer) or resumes.
    public func setReading(_ isReading: Bool) {
        _ = channel.setOption(.autoRead, value: isReading)
    }

    public func close() {
        channel.close(promise: nil)
    }

    private static func randomKey() -> String {
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString()
    }
}

/// Sends the upgrade request once connected; fails the connection if the server answers without upgrading.
private final class UpgradeRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String, port: Int, path: String, offerDeflate: Bool
    /// More upgrade headers: `Authorization`, `Origin`.
    let extraHeaders: [(String, String)]
    let failed: EventLoopPromise<Void>

    init(host: String, port: Int, path: String, offerDeflate: Bool, extraHeaders: [(String, String)], failed: EventLoopPromise<Void>) {
        (self.host, self.port, self.path, self.offerDeflate, self.extraHeaders, self.failed) = (host, port, path, offerDeflate, extraHeaders, failed)
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders([("Host", "\(host):\(port)"), ("Content-Length", "0")])
        if offerDeflate { headers.add(name: "Sec-WebSocket-Extensions", value: "permessage-deflate; client_max_window_bits") }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            failed.fail(StreamClient.Failure(description: "the server did not upgrade: \(head.status.code)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failed.fail(StreamClient.Failure(description: "connection closed before the upgrade"))
        context.fireChannelInactive()
    }
}

/// Collects text messages from frames, answers pings, reports the close.
private final class MessageHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let onMessage: @Sendable (ByteBuffer) -> Void
    let onClose: @Sendable (WebSocketErrorCode?) -> Void
    /// False only to test the server's idle timeout with a peer that has gone silent.
    let answersPings: Bool
    var message = ByteBuffer()
    var closed = false

    init(answersPings: Bool, onMessage: @escaping @Sendable (ByteBuffer) -> Void, onClose: @escaping @Sendable (WebSocketErrorCode?) -> Void) {
        self.answersPings = answersPings
        self.onMessage = onMessage
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text where frame.fin:
            onMessage(frame.unmaskedData)
        case .text, .continuation:
            if frame.opcode == .text { message.clear() }
            var data = frame.unmaskedData
            message.writeBuffer(&data)
            if frame.fin { onMessage(message) }
        case .ping where answersPings:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            report(data.readWebSocketErrorCode())
            context.close(promise: nil)
        default:
            break
        }
    }

    func report(_ code: WebSocketErrorCode?) {
        guard !closed else { return }
        closed = true
        onClose(code)
    }

    func channelInactive(context: ChannelHandlerContext) {
        report(nil)
        context.fireChannelInactive()
    }
}

/// Mask keys from a generator seeded once by the system's: unpredictable to an intermediary, as
/// RFC 6455 asks, without a `getrandom` system call on every message (the latency benchmark's path).
public struct MaskKeyGenerator: RandomNumberGenerator, Sendable {
    private var state = UInt64.random(in: .min ... .max)

    public init() {}

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
