import NIOCore
import NIOWebSocket

/// One WebSocket client: its channel and its subscriptions.
///
/// Touched only by the `Coordinator`, which runs on the server's only event loop; that is why
/// the unchecked `Sendable` is safe (the WebSocket handler task only passes it back).
final class Connection: @unchecked Sendable {
    struct Subscription {
        var fields: FieldSet
        /// The number of the last version sent to this subscriber (0: none yet).
        var sentVersion = 0
        /// Waiting for its first snapshot: the solution must include updates up to this seq.
        var snapshotAfterSeq: Int?
        /// Skipped because the socket was not writable; caught up when it drains.
        var isLagging = false
        /// Whether it has been sent maps to apply deltas to (a model with no solution yet sends none).
        var hasMaps = false
    }

    let channel: any Channel
    var subscriptions: [String: Subscription] = [:]
    var isOpen = true

    init(channel: any Channel) { self.channel = channel }

    var isWritable: Bool { channel.isWritable }

    /// Writes one text message; the buffer may be shared with other connections.
    func send(_ buffer: ByteBuffer) {
        guard isOpen else { return }
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
    }

    func send(_ text: String) { send(ByteBuffer(string: text)) }

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
