#if canImport(Glibc)
import Glibc
#endif

/// Largest frame either side accepts: a model of a few million nonzeros.
public let maximumFrameLength = 1 << 30

/// Blocking, length-prefixed frames over a pair of file descriptors (a pipe's ends).
/// Used by the worker on stdin/stdout and by blocking clients such as the bench.
public struct FrameChannel {
    public let input: Int32
    public let output: Int32

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// What ended a read.
    public enum ReadError: Error, Equatable {
        /// The other side closed before a whole frame arrived.
        case closed
        /// Nothing arrived within the wait limit.
        case timedOut
        case io(Int32)
        /// A length prefix beyond `maximumFrameLength`: the stream cannot be trusted after it.
        case oversized(Int)
    }

    /// Writes every byte, retrying on short writes and EINTR. Returns false when the peer is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Reads one frame's payload, waiting at most `timeoutMillis` for each chunk (-1 waits forever).
    public func readFrame(timeoutMillis: Int32 = -1) throws(ReadError) -> [UInt8] {
        let header = try readExactly(4, timeoutMillis: timeoutMillis)
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length <= maximumFrameLength else { throw .oversized(length) }
        return try readExactly(length, timeoutMillis: timeoutMillis)
    }

    private func readExactly(_ count: Int, timeoutMillis: Int32) throws(ReadError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            if timeoutMillis >= 0 {
                var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, timeoutMillis)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw .io(errno)
                }
                if ready == 0 { throw .timedOut }
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress! + offset, count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(errno)
            }
            if n == 0 { throw .closed }
            offset += n
        }
        return buffer
    }
}
