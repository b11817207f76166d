#if canImport(Glibc)
import Glibc
#endif

/// Where a worker's solve sends what it has while it runs, and looks for a stop: its pipes,
/// or a broker.
public protocol FrameLink {
    /// Sends one whole frame (length prefix first). False when the peer is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool
    /// A frame that has arrived whole, without waiting; nil when none has.
    func frameIfArrived() throws(FrameChannel.ReadError) -> [UInt8]?
}

/// Blocking, length-prefixed frames over a pair of file descriptors (a pipe's ends).
/// Used by the worker on stdin/stdout and by blocking clients such as the bench.
///
/// Reads are buffered: a frame and its length usually arrive in one `read`, not two.
public struct FrameChannel: FrameLink {
    public let input: Int32
    public let output: Int32
    private let received = FrameBuffer()

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
        try fill(4, timeoutMillis: timeoutMillis)
        let length = received.nextLength!
        guard length <= maximumFrameLength else { throw .oversized(length) }
        try fill(4 + length, timeoutMillis: timeoutMillis)
        return received.take(length, after: 4)
    }

    /// A frame that has arrived whole, without waiting for one: what a long solve checks at its
    /// events. Nil when none has (part of one may have, and stays buffered).
    public func frameIfArrived() throws(ReadError) -> [UInt8]? {
        if let frame = try bufferedFrame() { return frame }
        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return nil }
        let n = received.append(atLeast: 4096) { Glibc.read(input, $0.baseAddress, $0.count) }
        if n == 0 { throw .closed }
        return try bufferedFrame()
    }

    private func bufferedFrame() throws(ReadError) -> [UInt8]? {
        guard let length = received.nextLength else { return nil }
        guard length <= maximumFrameLength else { throw .oversized(length) }
        guard received.unread >= 4 + length else { return nil }
        return received.take(length, after: 4)
    }

    /// Reads until at least `count` bytes are buffered, taking whatever more has arrived.
    private func fill(_ count: Int, timeoutMillis: Int32) throws(ReadError) {
        while received.unread < count {
            if timeoutMillis >= 0 {
                var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, timeoutMillis)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw .io(errno)
                }
                if ready == 0 { throw .timedOut }
            }
            let n = received.append(atLeast: count - received.unread) { Glibc.read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(errno)
            }
            if n == 0 { throw .closed }
        }
    }
}
