import LiveSolveModel
import NIOCore

/// Writes one JSON message straight into the buffer that goes to the sockets, instead of into
/// a String that is then copied: a message is encoded once, and every subscriber's connection
/// writes the same bytes.
struct MessageWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
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
}
