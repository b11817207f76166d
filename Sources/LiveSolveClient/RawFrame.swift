/// RFC 6455 on plain bytes, for WebSocket clients on plain sockets: the W3 load client, which
/// must cost little per message, and a test that does what well-behaved clients never do.
public enum RawFrame {
    /// The upgrade request for `/v1/stream`; `key` is the base64 `Sec-WebSocket-Key`.
    public static func upgradeRequest(port: Int, key: String, token: String? = nil) -> [UInt8] {
        Array(("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "")
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
    }

    /// A frame masked with `key` (4 bytes), as clients must send; `fin` false for a fragment
    /// that more frames continue.
    public static func masked(opcode: UInt8, fin: Bool = true, payload: [UInt8], key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else if payload.count <= Int(UInt16.max) {
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out += [0x80 | 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
        }
        return out + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    /// The first frame in `bytes` from a server (unmasked): its opcode, where its payload lies and
    /// its whole length; nil until it has arrived complete.
    public static func next(in bytes: UnsafeRawBufferPointer) -> (opcode: UInt8, payload: Range<Int>, length: Int)? {
        guard bytes.count >= 2 else { return nil }
        var length = Int(bytes[1] & 0x7F), header = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            (length, header) = (Int(bytes[2]) << 8 | Int(bytes[3]), 4)
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            (length, header) = ((2..<10).reduce(0) { $0 << 8 | Int(bytes[$1]) }, 10)
            guard length >= 0, length < 1 << 31 else { return nil }
        }
        guard bytes.count >= header + length else { return nil }
        return (bytes[0] & 0x0F, header..<(header + length), header + length)
    }
}
