/// A place in a model that a parameter can drive.
public enum BindingSite: Hashable, Sendable {
    case objectiveConstant
    case objective(col: Int)
    case coefficient(row: Int, col: Int)
    case rowLower(Int)
    case rowUpper(Int)
    case columnLower(Int)
    case columnUpper(Int)
}

/// A site's parameter and the factor it is scaled by: the site's number is scale × value.
public struct Binding: Sendable, Equatable {
    public var parameter: Int
    public var scale: Double
    public init(parameter: Int, scale: Double) { self.parameter = parameter; self.scale = scale }
}

/// Named parameters, their values, and every site each one drives.
public struct Parameters: Sendable, Equatable {
    public private(set) var names = NameIndex()
    public private(set) var values: [Double] = []
    public private(set) var bindings: [BindingSite: Binding] = [:]
    /// For each parameter, its sites in the order they were bound.
    public private(set) var sites: [[BindingSite]] = []

    public init() {}

    public var count: Int { values.count }

    /// Adds a parameter; nil if the name is taken.
    @discardableResult
    public mutating func add(_ name: String, value: Double) -> Int? {
        guard let index = names.append(name) else { return nil }
        values.append(value)
        sites.append([])
        return index
    }

    public mutating func bind(_ site: BindingSite, to binding: Binding) {
        bindings[site] = binding
        sites[binding.parameter].append(site)
    }

    public mutating func setValue(_ value: Double, of parameter: Int) {
        values[parameter] = value
    }

    /// Equal when names, values and bindings agree; the order sites were bound in does not matter.
    public static func == (lhs: Parameters, rhs: Parameters) -> Bool {
        lhs.names == rhs.names && lhs.values == rhs.values && lhs.bindings == rhs.bindings
    }

    /// The number a bound site takes now.
    public func value(at site: BindingSite) -> Double? {
        bindings[site].map { $0.scale * values[$0.parameter] }
    }
}
