import LiveSolveModel
import NIOCore
import NIOWebSocket

/// Joins a connection's WebSocket data frames into messages, within the size limits: a message
/// up to `maxMessageBytes`, or up to `maxModelBytes` when it is a `create`. Binary and oversized
/// messages become errors for the client; invalid UTF-8 is for the caller to close on (1007).
struct MessageAssembler {
    enum Outcome {
        case text(String)
        case rejected(RequestError)
        case invalidUTF8
    }

    let maxMessageBytes: Int
    let maxModelBytes: Int
    private var message = ByteBuffer()
    private var isBinary = false
    private var isOversized = false

    init(_ configuration: ServerConfiguration) {
        maxMessageBytes = configuration.maxMessageBytes
        maxModelBytes = configuration.maxModelBytes
    }

    /// Adds one data frame; returns what a complete message amounts to, nil until `fin`. A
    /// frame still masked (`maskKey`, as clients send them) is unmasked as it is copied in: no
    /// unmasked copy of it is made first.
    mutating func add(startsMessage: Bool, isBinary binary: Bool, fin: Bool, data: ByteBuffer,
                      maskKey: WebSocketMaskingKey? = nil) -> Outcome? {
        if startsMessage {
            message.clear()
            isBinary = binary
            isOversized = false
        }
        if !isOversized {
            if message.readableBytes + data.readableBytes > maxModelBytes {
                isOversized = true
                message.clear()
            } else {
                let offset = message.readableBytes, count = data.readableBytes
                message.writeImmutableBuffer(data)
                if let maskKey {
                    message.withUnsafeMutableReadableBytes { bytes in
                        for i in 0..<count { bytes[offset + i] ^= maskKey[i % 4] }
                    }
                }
            }
        }
        guard fin else { return nil }
        defer { message.clear() }
        if isOversized { return .rejected(RequestError(.tooLarge, "message exceeds \(maxModelBytes) bytes")) }
        if isBinary { return .rejected(RequestError(.badMessage, "binary frames are not accepted; send JSON text")) }
        guard let text = String(validating: message.readableBytesView, as: UTF8.self) else { return .invalidUTF8 }
        if message.readableBytes > maxMessageBytes, !Self.isCreate(text) {
            return .rejected(RequestError(.tooLarge, "message exceeds \(maxMessageBytes) bytes"))
        }
        return .text(text)
    }

    /// Whether a message is a `create`, which may be as large as a model.
    private static func isCreate(_ text: String) -> Bool {
        guard case .string("create")? = (try? JSONParser.parse(text))?["op"] else { return false }
        return true
    }
}
