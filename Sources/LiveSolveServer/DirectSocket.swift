import CSupport
import Glibc
import NIOCore

/// A WebSocket connection's socket, written with `send(2)` past SwiftNIO's pipeline, and read
/// past NIO's selector when the loop's poll sees a message arrive (`Connection.readInput`).
///
/// Why: a fan-out pass is one write per subscriber, and NIO's pipeline and pending-writes
/// bookkeeping around each write took about a fifth of the loop's time at 10 000 subscribers
/// (W3 p99 131–169 ms through NIO, 88–93 ms direct, on the same machine). NIO does not expose a
/// channel's descriptor, so `init` reads it from the channel's socket by reflection and checks
/// it against the channel's ports; when either fails the connection simply stays on NIO.
///
/// Writing beside NIO is safe under three rules, all kept on the one event loop:
/// - The descriptor is forgotten in `channelInactive`, which NIO fires from the same call that
///   closes it, so a number the kernel hands out again is never written.
/// - Bytes go direct only while none of the connection's bytes wait in NIO: what the kernel does
///   not take goes on through NIO, and later writes follow it there until NIO has written it.
/// - Each write is whole frames, so direct and NIO bytes never interleave inside a frame.
///
/// A value in `Connection` rather than an object of its own: at 10 000 subscribers each pointer
/// followed per delivery is a cache miss.
struct DirectSocket {
    let descriptor: CInt

    /// The channel's socket, or nil when its descriptor cannot be found and checked, or when
    /// NIO still holds bytes for it (written first, they must stay first).
    init?(channel: any Channel) {
        guard let socket = storedProperty("socket", of: channel),
              let descriptor = storedProperty("descriptor", of: socket) as? CInt, descriptor >= 0
        else { return nil }
        var local: CInt = 0, peer: CInt = 0
        guard ls_socket_ports(descriptor, &local, &peer) == 0,
              Int(local) == channel.localAddress?.port, Int(peer) == channel.remoteAddress?.port,
              (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) == 0
        else { return nil }
        self.descriptor = descriptor
    }

    /// Writes `first` (if any) then `frame` in one system call. Returns what the kernel did not
    /// take, for NIO to write: the rest of a full socket buffer, or everything after an error,
    /// which NIO's own write then reports (closing the channel as it always does).
    func write(_ first: ByteBuffer?, _ frame: ByteBuffer) -> ByteBuffer? {
        let total = (first?.readableBytes ?? 0) + frame.readableBytes
        var written: Int
        repeat {
            written = sendOnce(first, frame)
        } while written < 0 && errno == EINTR
        if written == total { return nil }
        var rest = ByteBuffer()
        rest.reserveCapacity(total - max(written, 0))
        var skip = max(written, 0)
        for part in [first, frame] {
            guard var part else { continue }
            let skipped = min(skip, part.readableBytes)
            part.moveReaderIndex(forwardBy: skipped)
            skip -= skipped
            rest.writeImmutableBuffer(part)
        }
        return rest
    }

    /// What one read found.
    enum Received {
        case bytes(ByteBuffer)
        /// Nothing waiting, or the peer's end of the stream, which NIO's own read finds again.
        case nothing
        case failed(errno: CInt)
    }

    /// What has arrived, up to `capacity` bytes, read without waiting.
    func receive(upTo capacity: Int, allocator: ByteBufferAllocator) -> Received {
        var buffer = allocator.buffer(capacity: capacity)
        var received = 0, error: CInt = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { free in
            repeat {
                received = Glibc.recv(descriptor, free.baseAddress, free.count, Int32(MSG_DONTWAIT))
                error = received < 0 ? errno : 0
            } while error == EINTR
            return max(received, 0)
        }
        if received > 0 { return .bytes(buffer) }
        return received == 0 || error == EAGAIN || error == EWOULDBLOCK ? .nothing : .failed(errno: error)
    }

    /// `send` and `sendmsg` rather than `write` and `writev`: they skip the file layer's work.
    private func sendOnce(_ first: ByteBuffer?, _ frame: ByteBuffer) -> Int {
        let flags = Int32(MSG_NOSIGNAL | MSG_DONTWAIT)
        return frame.withUnsafeReadableBytes { second in
            guard let first else { return Glibc.send(descriptor, second.baseAddress, second.count, flags) }
            return first.withUnsafeReadableBytes { first in
                var vectors = [
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
                ]
                return vectors.withUnsafeMutableBufferPointer { vectors in
                    var message = msghdr()
                    message.msg_iov = vectors.baseAddress
                    message.msg_iovlen = 2
                    return Glibc.sendmsg(descriptor, &message, flags)
                }
            }
        }
    }
}
