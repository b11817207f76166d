/// Names in order with a name → position map; names are unique.
public struct NameIndex: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public var count: Int { names.count }

    public func index(of name: String) -> Int? { positions[name] }

    public subscript(index: Int) -> String { names[index] }

    /// Appends `name` and returns its position, or nil if it is already present.
    @discardableResult
    public mutating func append(_ name: String) -> Int? {
        guard positions[name] == nil else { return nil }
        positions[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
