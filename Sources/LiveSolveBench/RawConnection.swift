import CSupport
import Foundation
import LiveSolveClient

#if canImport(Glibc)
import Glibc
#endif

/// One WebSocket connection to `/v1/stream` on a plain blocking socket, for the load clients.
/// A bench client's own work sits inside every latency it measures: here a receipt is a `read`
/// returning, with no event loop, pipeline or thread hop between the kernel and the clock.
/// Reads block for at most `readLimitSeconds` (`SO_RCVTIMEO`), so no wait is unbounded.
final class RawConnection {
    /// Longer than a server's default solve time limit and grace (60 + 5 s): a reply that waits on
    /// a long cold solve (dfl001 takes 6 s here, several times that on a loaded machine) comes,
    /// or the server reports `time_limit`, before the bench gives up.
    static let readLimitSeconds: Int32 = 120

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    /// Bytes read past the last complete frame.
    var pending: [UInt8]
    /// When the last `read` returned (monotonic ns): a message's arrival, before any decoding.
    private(set) var lastReadAt: UInt64 = 0
    private var maskKeys = MaskKeyGenerator()
    /// `receiveText`'s read buffer, made on first use: the W3 pool holds thousands of
    /// connections and reads them all into one buffer of its own.
    private lazy var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// Connects to 127.0.0.1:`port` and upgrades, with `token` as its bearer if given.
    init(port: Int, token: String? = nil) throws {
        let fd = ls_connect_loopback(Int32(port), Self.readLimitSeconds)
        guard fd >= 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): \(String(cString: strerror(-fd)))") }
        self.fd = fd
        self.pending = []
        do {
            pending = try upgrade(port: port, token: token)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends a text message, masked as RFC 6455 asks of clients.
    func send(_ text: String) throws { try write(frame(opcode: 0x1, payload: Array(text.utf8))) }

    /// Blocks until the next text message and returns its payload; pings are answered on the way.
    func receiveText() throws -> [UInt8] {
        while true {
            if let message = try nextText() { return message }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            lastReadAt = DispatchTime.now().uptimeNanoseconds
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: n == 0 ? "the server closed the connection" : "no message within \(Self.readLimitSeconds) s") }
            pending.append(contentsOf: buffer[0..<n])
        }
    }

    /// The first complete text message in `pending`, control frames before it handled.
    private func nextText() throws -> [UInt8]? {
        var message: [UInt8]?
        if try consumeFrames({ message = Array($0); return false }) { throw Failure(description: "the server closed the connection") }
        return message
    }

    /// Handles the complete frames in `pending` in order: pings are answered, and each text
    /// message's payload goes to `onText` until it returns false. Returns whether the server
    /// sent a close (the frames after it are left).
    func consumeFrames(_ onText: (UnsafeRawBufferPointer) -> Bool) throws -> Bool {
        var offset = 0, closed = false
        var pongs: [[UInt8]] = []
        pending.withUnsafeBytes { bytes in
            while let next = RawFrame.next(in: UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
                let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + next.payload.lowerBound)..<(offset + next.payload.upperBound)])
                offset += next.length
                switch next.opcode {
                case 0x1: if !onText(payload) { return }
                case 0x8: closed = true; return
                case 0x9: pongs.append(frame(opcode: 0xA, payload: Array(payload)))
                default: break
                }
            }
        }
        pending.removeFirst(offset)
        for pong in pongs { try write(pong) }
        return closed
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(description: "write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    func frame(opcode: UInt8, payload: [UInt8]) -> [UInt8] {
        let bits = maskKeys.next()
        return RawFrame.masked(opcode: opcode, payload: payload, key: (0..<4).map { UInt8(truncatingIfNeeded: bits >> ($0 * 8)) })
    }

    /// Sends the upgrade request and reads the response; returns any bytes read past it.
    private func upgrade(port: Int, token: String?) throws -> [UInt8] {
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try write(RawFrame.upgradeRequest(port: port, key: key, token: token))
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        let end = Array("\r\n\r\n".utf8)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: n == 0 ? "the server closed during the upgrade" : "no upgrade response within 10 s") }
            response += chunk[0..<n]
            if let range = response.firstRange(of: end) {
                guard response.starts(with: Array("HTTP/1.1 101".utf8)) else {
                    throw Failure(description: "the server did not upgrade: \(String(decoding: response.prefix(40), as: UTF8.self))")
                }
                return Array(response[range.upperBound...])
            }
        }
    }
}
