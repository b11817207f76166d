/// A solution vector as sent: whole, or only the entries that changed since the last answer.
public enum VectorChange: Sendable, Equatable {
    case full([Double])
    case sparse(indices: [Int32], values: [Double])

    /// The change from `old` to `new`, comparing bit patterns (so -0 and NaN count as changes).
    public static func between(_ old: [Double]?, _ new: [Double]) -> VectorChange {
        guard let old, old.count == new.count else { return .full(new) }
        var indices: [Int32] = [], values: [Double] = []
        for i in new.indices where old[i].bitPattern != new[i].bitPattern {
            indices.append(Int32(i))
            values.append(new[i])
        }
        return .sparse(indices: indices, values: values)
    }
}

extension ByteWriter {
    mutating func append(_ change: VectorChange) {
        switch change {
        case .full(let values):
            append(UInt8(1))
            append(array: values)
        case let .sparse(indices, values):
            append(UInt8(0))
            append(array: indices)
            append(array: values)
        }
    }
}

extension ByteWriter {
    /// What `append(.between(previous, new))` writes, or `append(.full(new))` when `full`,
    /// where `new` is `sign` × `source`: written straight from `source` (a solver's own
    /// buffer), building no vectors. `previous` becomes `new`, in place when it has the size;
    /// `changed` is scratch room for the changed indices, kept between calls.
    public mutating func appendChange(of source: UnsafeBufferPointer<Double>, times sign: Double,
                                      since previous: inout [Double]?, full: Bool, changed: inout [Int32]) {
        let n = source.count
        guard !full, previous?.count == n else {
            if previous?.count == n {
                previous!.withUnsafeMutableBufferPointer { for i in 0..<n { $0[i] = sign * source[i] } }
            } else {
                previous = source.map { sign * $0 }
            }
            append(UInt8(1))
            append(array: previous!)
            return
        }
        changed.removeAll(keepingCapacity: true)
        previous!.withUnsafeMutableBufferPointer { old in
            for i in 0..<n {
                let value = sign * source[i]
                if value.bitPattern != old[i].bitPattern {
                    changed.append(Int32(i))
                    old[i] = value
                }
            }
        }
        append(UInt8(0))
        append(array: changed)
        append(UInt32(changed.count))
        previous!.withUnsafeBufferPointer { new in for i in changed { append(new[Int(i)]) } }
    }
}
