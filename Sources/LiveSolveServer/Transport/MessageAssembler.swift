import CompressNIO
import LiveSolveModel
import NIOCore
import NIOWebSocket

/// Joins a connection's WebSocket data frames into messages, within the size limits: a message
/// up to `maxMessageBytes`, or up to `maxModelBytes` when it is a `create`. A message the client
/// compressed (permessage-deflate, RFC 7692) is inflated. Binary and oversized messages become
/// errors for the client; what breaks the protocol is for the caller to close on.
struct MessageAssembler {
    enum Outcome {
        case text(String)
        /// With the `id` (and in the error the `model`) read from a message's text, when there is one.
        case rejected(RequestError, id: EchoedID? = nil)
        /// Not UTF-8, or compressed data that does not inflate: close with 1007.
        case invalidData
        /// A reserved bit no extension allows: close with 1002.
        case protocolError
    }

    let maxMessageBytes: Int
    let maxModelBytes: Int
    /// Set when permessage-deflate was negotiated; the client resets its context per message.
    private let inflater: ZlibDecompressor?
    private var message = ByteBuffer()
    private var isBinary = false
    private var isCompressed = false
    private var isOversized = false

    init(_ configuration: ServerConfiguration, deflate: Bool) {
        maxMessageBytes = configuration.maxMessageBytes
        maxModelBytes = configuration.maxModelBytes
        inflater = deflate ? try? ZlibDecompressor(algorithm: .deflate) : nil
    }

    /// Adds one data frame (text, binary or continuation), masked as clients send them; returns
    /// what a complete message amounts to, nil until its last frame.
    mutating func add(_ frame: WebSocketFrame) -> Outcome? {
        let startsMessage = frame.opcode != .continuation
        var allowed: WebSocketFrame.ReservedBits = []
        if startsMessage, inflater != nil { allowed = .rsv1 }
        guard frame.reservedBits.isSubset(of: allowed) else { return .protocolError }
        if startsMessage {
            message.clear()
            isBinary = frame.opcode == .binary
            isCompressed = frame.rsv1
            isOversized = false
        }
        if !isOversized {
            if message.readableBytes + frame.data.readableBytes > maxModelBytes {
                isOversized = true
                message.clear()
            } else if startsMessage, frame.fin {
                message = frame.unmaskedData  // the usual case, a message in one frame: no joining
            } else {
                var data = frame.unmaskedData
                message.writeBuffer(&data)
            }
        }
        guard frame.fin else { return nil }
        defer { message.clear() }
        let tooLarge = RequestError(.tooLarge, "message exceeds \(maxModelBytes) bytes")
        if isOversized { return .rejected(tooLarge) }
        if isCompressed, let inflater {
            // The four bytes every compressed message ends with, which senders leave out (RFC 7692 §7.2.2).
            message.writeBytes([0, 0, 0xFF, 0xFF])
            do {
                try inflater.reset()
                message = try message.decompressStream(with: inflater, maxSize: maxModelBytes, allocator: ByteBufferAllocator())
            } catch let error as CompressNIOError where error == .bufferOverflow {
                return .rejected(tooLarge)
            } catch {
                return .invalidData
            }
        }
        if isBinary { return .rejected(RequestError(.badMessage, "binary frames are not accepted; send JSON text")) }
        guard let text = String(validating: message.readableBytesView, as: UTF8.self) else { return .invalidData }
        if message.readableBytes > maxMessageBytes, !Self.isCreate(text) {
            // Echoed, so a client matching replies by id learns which request it was.
            let echo = RequestEcho.recovered(from: text)
            return .rejected(RequestError(.tooLarge, "message exceeds \(maxMessageBytes) bytes", model: echo.model), id: echo.id)
        }
        return .text(text)
    }

    /// Whether a message is a `create`, which may be as large as a model.
    private static func isCreate(_ text: String) -> Bool {
        guard case .string("create")? = (try? JSONParser.parse(text))?["op"] else { return false }
        return true
    }
}
