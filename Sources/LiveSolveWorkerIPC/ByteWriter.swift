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
