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
