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

    /// Applies this change to a receiver's copy of the vector.
    public func apply(to vector: inout [Double]) {
        switch self {
        case .full(let values): vector = values
        case let .sparse(indices, values):
            for (i, value) in zip(indices, values) where Int(i) < vector.count { vector[Int(i)] = value }
        }
    }

    /// How many entries this change carries.
    public var count: Int {
        switch self {
        case .full(let values): values.count
        case .sparse(let indices, _): indices.count
        }
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

extension ByteReader {
    mutating func readVectorChange() throws(FrameError) -> VectorChange {
        if try readBool() { return .full(try readArray(of: Double.self)) }
        let indices = try readArray(of: Int32.self), values = try readArray(of: Double.self)
        guard indices.count == values.count else { throw FrameError("vector change has mismatched lengths") }
        return .sparse(indices: indices, values: values)
    }
}
