import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Each accepted TCP connection: HTTP/1.1 for Hummingbird's router, or, when it asks for an
/// upgrade at `/v1/stream`, a WebSocket whose frames a `ConnectionHandler` owns from the
/// upgrade on. NIO's upgrader does the handshake and adds its frame codec; no frame passes
/// through an async stream.
struct StreamChannel: ServerChildChannel, HTTPChannelHandler {
    static let path = "/v1/stream"

    enum Negotiated: Sendable {
        case webSocket(any Channel)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade asked for elsewhere, or malformed (400), with a wrong token (401), from a
        /// foreign origin (403): the status and a close.
        case refusedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HTTPResponse.Status)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let coordinator: Coordinator
    let configuration: ServerConfiguration
    let authority: Authority
    /// WebSockets per client address, across every connection.
    let connections: AddressCounter
    /// Under TLS: the requests' scheme is https.
    let isSecure: Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let upgradeAsked = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let refusal = NIOLoopBoundBox(HTTPResponse.Status.badRequest, eventLoop: channel.eventLoop)
            let access = NIOLoopBoundBox(Access.open, eventLoop: channel.eventLoop)
            let (coordinator, configuration, authority, connections) = (self.coordinator, self.configuration, self.authority, self.connections)
            try channel.pipeline.syncOperations.addHandler(HeaderTimeout(timeout: .nanoseconds(Int64(configuration.headerTimeout * 1e9))))
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: configuration.maxModelBytes,
                shouldUpgrade: { channel, head in
                    upgradeAsked.value = true
                    guard head.uri.split(separator: "?").first.map(String.init) == Self.path else {
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    // Cross-site WebSocket hijacking: a page elsewhere would act with the user's network.
                    guard authority.allows(origin: head.headers.first(name: "Origin"), host: head.headers.first(name: "Host")) else {
                        refusal.value = .forbidden
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    guard let granted = authority.access(authorization: head.headers.first(name: "Authorization")) else {
                        refusal.value = .unauthorized
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    access.value = granted
                    // Counted until the connection closes, whatever becomes of the upgrade.
                    let address = channel.remoteAddress?.ipAddress ?? "unknown"
                    guard connections.add(address) else {
                        refusal.value = .serviceUnavailable
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    channel.closeFuture.whenComplete { _ in connections.remove(address) }
                    var headers = HTTPHeaders()
                    if let deflate = PerMessageDeflate.response(to: head.headers) {
                        headers.add(name: "Sec-WebSocket-Extensions", value: deflate)
                    }
                    return channel.eventLoop.makeSucceededFuture(headers)
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        if configuration.sendBufferBytes > 0 {
                            try channel.syncOptions?.setOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.sendBufferBytes))
                        }
                        let handler = ConnectionHandler(coordinator: coordinator, configuration: configuration,
                                                        deflate: PerMessageDeflate.response(to: head.headers) != nil, access: access.value)
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return Negotiated.webSocket(channel)
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: isSecure))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return upgradeAsked.value ? .refusedUpgrade(http, refusal.value) : .http(http)
                    }
                })
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            pipeline.enablePipelining = false  // NIOAsyncChannel takes one request at a time
            pipeline.enableErrorHandling = false  // Hummingbird answers malformed requests
            pipeline.enableResponseHeaderValidation = false  // swift-http-types validates them
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case let .refusedUpgrade(http, status):
                try await http.executeThenClose { _, outbound in
                    var fields: HTTPFields = [.connection: "close", .contentLength: "0"]
                    if status == .unauthorized { fields[.wwwAuthenticate] = "Bearer" }
                    try await outbound.write(contentsOf: [.head(HTTPResponse(status: status, headerFields: fields)), .end(nil)])
                }
            case .webSocket(let channel):
                // The handler does the work; the server's graceful stop waits for the close.
                try await channel.closeFuture.get()
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
