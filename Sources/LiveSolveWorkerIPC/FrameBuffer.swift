/// Largest frame either side accepts: a model of a few million nonzeros.
public let maximumFrameLength = 1 << 30

/// Length-prefixed frames as they arrive, in whatever pieces: the bytes read but not yet
/// returned as frames, `storage[head..<tail]`. The worker and blocking clients fill it from a
/// descriptor (`FrameChannel`); the server from its event loop and its own reads alike.
public final class FrameBuffer {
    private var storage = [UInt8](repeating: 0, count: 64 << 10)
    private var head = 0
    private var tail = 0

    public init() {}

    public var unread: Int { tail - head }

    /// Makes room for at least `needed` more bytes, then lets `read` fill the free space;
    /// returns what `read` returned.
    public func append(atLeast needed: Int, _ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if head == tail { (head, tail) = (0, 0) }
        if storage.count - tail < needed {
            // Move the unread bytes to the front, and grow if that is not enough.
            storage.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + head, byteCount: tail - head) }
            (head, tail) = (0, tail - head)
            if storage.count - tail < needed { storage.append(contentsOf: repeatElement(0, count: needed - (storage.count - tail))) }
        }
        let n = storage.withUnsafeMutableBytes { read(UnsafeMutableRawBufferPointer(rebasing: $0[tail...])) }
        if n > 0 { tail += n }
        return n
    }

    /// Appends bytes received elsewhere.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        _ = append(atLeast: bytes.count) { free in
            free.copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// The next whole frame's payload, consumed; nil until one has arrived whole. Throws for a
    /// length beyond `maximumFrameLength`: the stream cannot be trusted after it.
    public func nextFrame() throws(FrameError) -> [UInt8]? {
        guard let length = nextLength else { return nil }
        guard length <= maximumFrameLength else { throw FrameError("a frame of \(length) bytes, beyond the limit of \(maximumFrameLength)") }
        guard unread >= 4 + length else { return nil }
        return take(length, after: 4)
    }

    /// The next frame's length prefix, once its four bytes have arrived.
    public var nextLength: Int? {
        guard unread >= 4 else { return nil }
        return storage.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: head, as: UInt32.self))) }
    }

    /// Returns `count` bytes that follow `skip` unread ones, and consumes both.
    public func take(_ count: Int, after skip: Int) -> [UInt8] {
        let start = head + skip
        head = start + count
        let frame = Array(storage[start..<head])
        // A model's frame can be large: do not keep its room for good.
        if head == tail, storage.count > 1 << 20 { (storage, head, tail) = ([UInt8](repeating: 0, count: 64 << 10), 0, 0) }
        return frame
    }
}
