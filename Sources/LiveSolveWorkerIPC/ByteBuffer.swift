/// Appends little-endian primitives and arrays to a byte array: the worker frames' encoding.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ value: Double) { append(value.bitPattern) }
    public mutating func append(_ value: Bool) { append(UInt8(value ? 1 : 0)) }

    public mutating func append(_ string: String) {
        append(UInt32(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    /// An array of fixed-width values, count first, copied in bulk (hosts are little-endian).
    public mutating func append<T: BitwiseCopyable>(array: [T]) {
        append(UInt32(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// What `append(array:)` writes, from any collection, element by element: for values held
    /// elsewhere than in an array (a dictionary's keys, say), so that none is built for them.
    mutating func append<C: Collection>(run values: C) where C.Element: BitwiseCopyable {
        append(UInt32(values.count))
        for value in values { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    }

    /// A counted run of `count` bytes that `fill` writes in place (e.g. a solver's basis).
    public mutating func append(count: Int, filledBy fill: (UnsafeMutableRawBufferPointer) -> Void) {
        append(UInt32(count))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBytes { fill(UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// Empties the writer for the next frame, keeping its room.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Replaces the first four bytes with the frame's length: the bytes after them.
    public mutating func patchLength() {
        let length = UInt32(bytes.count - 4).littleEndian
        withUnsafeBytes(of: length) { for i in 0..<4 { bytes[i] = $0[i] } }
    }
}

/// Why a frame could not be decoded.
public struct FrameError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads what `ByteWriter` wrote, failing (never trapping) on truncated or malformed input.
public struct ByteReader {
    private let bytes: [UInt8]
    private var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws(FrameError) -> Range<Int> {
        guard count >= 0, count <= bytes.count - offset else { throw FrameError("frame truncated at byte \(offset)") }
        defer { offset += count }
        return offset..<offset + count
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(FrameError) -> T {
        let range = try take(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[range]) }
        return T(littleEndian: value)
    }

    public mutating func readDouble() throws(FrameError) -> Double { Double(bitPattern: try read(UInt64.self)) }
    public mutating func readBool() throws(FrameError) -> Bool { try read(UInt8.self) != 0 }

    public mutating func readString() throws(FrameError) -> String {
        let count = Int(try read(UInt32.self))
        let range = try take(count)
        return String(decoding: bytes[range], as: UTF8.self)
    }

    public mutating func readArray<T: BitwiseCopyable>(of _: T.Type = T.self) throws(FrameError) -> [T] {
        try readCountedRun(of: T.self).array
    }

    /// What `append(array:)` wrote, left in place: elements are read from the frame one by one,
    /// for callers that build something else from them than an array.
    public mutating func readCountedRun<T: BitwiseCopyable>(of _: T.Type = T.self) throws(FrameError) -> CountedRun<T> {
        let count = Int(try read(UInt32.self))
        guard count <= (bytes.count - offset) / max(1, MemoryLayout<T>.stride) else { throw FrameError("frame truncated at byte \(offset)") }
        let range = try take(count * MemoryLayout<T>.stride)
        return CountedRun(bytes: bytes, start: range.lowerBound, count: count)
    }
}

/// Fixed-width values inside a frame's bytes (little-endian, as the hosts are).
public struct CountedRun<T: BitwiseCopyable>: Sendable {
    fileprivate let bytes: [UInt8]
    fileprivate let start: Int
    public let count: Int

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
