/// A solution vector's change as sent: the whole vector, or only the entries that changed since
/// the last answer. Held in arrays (`VectorChange`), or read in place from a reply frame's bytes
/// (`ChangeFrame`, which the server installs from); one type, so what applying a change needs is
/// written once for both.
public enum Change<Values: EntryRun<Double>, Indices: EntryRun<Int32>> {
    case full(Values)
    case sparse(indices: Indices, values: Values)
}

public typealias VectorChange = Change<[Double], [Int32]>

/// Where a change's entries lie: an array, or a run of them in a frame's bytes (`CountedRun`).
public protocol EntryRun<Element> {
    associatedtype Element
    var count: Int { get }
    func element(_ i: Int) -> Element
    /// The entries in an array: the array itself, or a bulk copy.
    var array: [Element] { get }
}

extension Array: EntryRun {
    public func element(_ i: Int) -> Element { self[i] }
    public var array: [Element] { self }
}

extension CountedRun: EntryRun {}

extension Change: Sendable where Values: Sendable, Indices: Sendable {}
extension Change: Equatable where Values: Equatable, Indices: Equatable {}

extension Change {
    /// How many entries it carries.
    @inlinable public var count: Int {
        switch self {
        case .full(let values): values.count
        case .sparse(let indices, _): indices.count
        }
    }

    /// Entry `k`'s index (`k` itself in a whole vector) and value.
    @inlinable public func index(_ k: Int) -> Int {
        switch self {
        case .full: k
        case .sparse(let indices, _): Int(indices.element(k))
        }
    }

    @inlinable public func value(_ k: Int) -> Double {
        switch self {
        case .full(let values): values.element(k)
        case .sparse(_, let values): values.element(k)
        }
    }

    /// Applies this change to a receiver's copy of the vector.
    public func apply(to vector: inout [Double]) {
        switch self {
        case .full(let values): vector = values.array
        case .sparse:
            for k in 0..<count where index(k) < vector.count { vector[index(k)] = value(k) }
        }
    }

    /// Whether it can be applied to a vector of `count` entries in place: sparse, with indices
    /// increasing (as workers send them) and in range.
    public func isSparseInOrder(within count: Int) -> Bool {
        guard case .sparse = self else { return false }
        var previous = -1
        for k in 0..<self.count {
            let i = index(k)
            guard i > previous, i < count else { return false }
            previous = i
        }
        return true
    }

    /// The same change in arrays.
    public var inArrays: VectorChange {
        switch self {
        case .full(let values): .full(values.array)
        case let .sparse(indices, values): .sparse(indices: indices.array, values: values.array)
        }
    }
}

extension Change where Values == [Double], Indices == [Int32] {
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
