import HummingbirdWebSocket
import LiveSolveModel
import NIOCore
import NIOWebSocket

/// `/v1/stream`: hands every text message to the coordinator in arrival order; replies are
/// written by the coordinator on the channel. On a connection without permessage-deflate the
/// data frames take the synchronous `StreamFrameHandler`; with it (the frames need Hummingbird's
/// inflation) they arrive here, through Hummingbird's async stream.
enum StreamEndpoint {
    static let path = "/v1/stream"

    static func handle(inbound: WebSocketInboundStream, channel: any Channel, coordinator: Coordinator,
                       configuration: ServerConfiguration, offersDeflate: Bool) async {
        if configuration.sendBufferBytes > 0 {
            _ = try? await channel.setOption(.socketOption(.so_sndbuf), value: SocketOptionValue(configuration.sendBufferBytes)).get()
        }
        let connection = Connection(channel: channel, encoder: await Connection.encoderContext(of: channel))
        await coordinator.connect(connection)
        let marker = offersDeflate ? nil
            : await StreamFrameHandler.install(on: channel, connection: connection, coordinator: coordinator, configuration: configuration)
        var assembler = MessageAssembler(configuration)
        do {
            frames: for try await frame in inbound {
                if let marker, marker.matches(isBinary: frame.opcode == .binary, data: frame.data) {
                    marker.reached(continuing: assembler)
                    continue
                }
                let outcome = assembler.add(startsMessage: frame.opcode != .continuation, isBinary: frame.opcode == .binary,
                                            fin: frame.fin, data: frame.data)
                switch outcome {
                case nil: continue
                case .text(let text)?: await coordinator.receive(text, from: connection)
                case .rejected(let error)?: await coordinator.reject(error, from: connection)
                case .invalidUTF8?:
                    connection.close(code: .dataInconsistentWithMessage)
                    break frames
                }
            }
        } catch {
            // The peer went away or broke the protocol; the connection is closing either way.
        }
        await coordinator.disconnect(connection)
    }
}
