import HummingbirdWebSocket
import LiveSolveModel
import NIOCore
import NIOWebSocket

/// `/v1/stream`: assembles each WebSocket message from its frames (bounded), rejects binary
/// messages and oversized ones with an error, closes with 1007 on invalid UTF-8, and hands
/// every text message to the coordinator. Replies are written by the coordinator on the channel.
enum StreamEndpoint {
    static let path = "/v1/stream"

    static func handle(inbound: WebSocketInboundStream, channel: any Channel, coordinator: Coordinator,
                       configuration: ServerConfiguration) async {
        if configuration.sendBufferBytes > 0 {
            _ = try? await channel.setOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.sendBufferBytes)).get()
        }
        let connection = Connection(channel: channel, encoder: await Connection.encoderContext(of: channel))
        await coordinator.connect(connection)
        var message = ByteBuffer()
        var isBinary = false
        var isOversized = false
        do {
            for try await frame in inbound {
                if frame.opcode != .continuation {
                    message.clear()
                    isBinary = frame.opcode == .binary
                    isOversized = false
                }
                if !isOversized {
                    var data = frame.data
                    if message.readableBytes + data.readableBytes > configuration.maxModelBytes {
                        isOversized = true
                        message.clear()
                    } else {
                        message.writeBuffer(&data)
                    }
                }
                guard frame.fin else { continue }
                if isOversized {
                    await coordinator.reject(RequestError(.tooLarge, "message exceeds \(configuration.maxModelBytes) bytes"), from: connection)
                } else if isBinary {
                    await coordinator.reject(RequestError(.badMessage, "binary frames are not accepted; send JSON text"), from: connection)
                } else if let text = String(validating: message.readableBytesView, as: UTF8.self) {
                    if message.readableBytes > configuration.maxMessageBytes, !isCreate(text) {
                        await coordinator.reject(RequestError(.tooLarge, "message exceeds \(configuration.maxMessageBytes) bytes"), from: connection)
                    } else {
                        await coordinator.receive(text, from: connection)
                    }
                } else {
                    connection.close(code: .dataInconsistentWithMessage)
                    break
                }
                message.clear()
            }
        } catch {
            // The peer went away or broke the protocol; the connection is closing either way.
        }
        await coordinator.disconnect(connection)
    }

    /// Whether a message is a `create`, which may be as large as a model.
    private static func isCreate(_ text: String) -> Bool {
        guard case .string("create")? = (try? JSONParser.parse(text))?["op"] else { return false }
        return true
    }
}
