/// Fixed-width values inside a frame's bytes (little-endian, as the hosts are).
public struct CountedRun<T: BitwiseCopyable>: Sendable {
    private let bytes: [UInt8]
    private let start: Int
    public let count: Int

    /// `count` values from byte `start` of `bytes` (`ByteReader.readCountedRun` checks the range).
    init(bytes: [UInt8], start: Int, count: Int) {
        self.bytes = bytes
        self.start = start
        self.count = count
    }

    public func element(_ i: Int) -> T {
        precondition(i >= 0 && i < count)
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start + i * MemoryLayout<T>.stride, as: T.self) }
    }

    /// The values copied out in bulk.
    public var array: [T] {
        // Most arrays in a solve request are empty: no storage to allocate.
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[start..<start + count * MemoryLayout<T>.stride]))
            }
            initialized = count
        }
    }
}
