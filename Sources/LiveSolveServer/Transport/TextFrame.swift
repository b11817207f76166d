import LiveSolveModel
import NIOCore

/// A server-to-client text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked), encoded once.
enum TextFrame {
    static func encode(_ text: String) -> ByteBuffer {
        var writer = TextFrameWriter(capacity: text.utf8.count)
        writer.buffer.writeString(text)
        return writer.finish()
    }

    /// The message inside a frame, without its header.
    static func payload(of frame: ByteBuffer) -> ByteBuffer {
        var payload = frame
        payload.moveReaderIndex(forwardBy: headerLength(of: frame))
        return payload
    }

    static func headerLength(of frame: ByteBuffer) -> Int {
        switch frame.getInteger(at: frame.readerIndex + 1, as: UInt8.self) ?? 0 {
        case 126: 4
        case 127: 10
        default: 2
        }
    }
}

/// Writes a text frame's payload in place, then puts the header in front of it.
///
/// The payload starts after room for the longest header (10 bytes), and `finish` writes the
/// header that its length needs just before it: a message is written once, into the buffer that
/// goes to the sockets, instead of into a String that is then copied behind a header.
struct TextFrameWriter {
    private static let headerRoom = 10
    var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity + Self.headerRoom)
        buffer.moveWriterIndex(forwardBy: Self.headerRoom)
        buffer.moveReaderIndex(forwardBy: Self.headerRoom)
    }

    mutating func write(_ text: StaticString) { buffer.writeStaticString(text) }

    mutating func write(_ text: String) { buffer.writeString(text) }

    mutating func write(_ n: Int) { buffer.writeString(String(n)) }

    mutating func write(_ b: Bool) { buffer.writeStaticString(b ? "true" : "false") }

    /// A double as `JSONWriter.number` writes it (shortest round-trip form).
    mutating func write(number n: Double) { buffer.writeString(JSONWriter.number(n)) }

    /// A JSON string literal; names and keys rarely need escaping, so they are copied whole.
    mutating func write(quoted s: String) {
        if JSONWriter.needsEscaping(s) {
            buffer.writeString(JSONWriter.quoted(s))
        } else {
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeString(s)
            buffer.writeInteger(UInt8(ascii: "\""))
        }
    }

    /// The frame: header and payload.
    mutating func finish() -> ByteBuffer {
        let payload = buffer.readableBytes
        let start = buffer.readerIndex
        if payload < 126 {
            buffer.setInteger(UInt8(0x81), at: start - 2)
            buffer.setInteger(UInt8(payload), at: start - 1)
            buffer.moveReaderIndex(to: start - 2)
        } else if payload <= Int(UInt16.max) {
            buffer.setInteger(UInt8(0x81), at: start - 4)
            buffer.setInteger(UInt8(126), at: start - 3)
            buffer.setInteger(UInt16(payload), at: start - 2)
            buffer.moveReaderIndex(to: start - 4)
        } else {
            buffer.setInteger(UInt8(0x81), at: start - 10)
            buffer.setInteger(UInt8(127), at: start - 9)
            buffer.setInteger(UInt64(payload), at: start - 8)
            buffer.moveReaderIndex(to: start - 10)
        }
        return buffer
    }
}
