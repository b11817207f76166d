/// One matrix position.
public struct MatrixEntry: Hashable, Sendable {
    public var row: Int32
    public var col: Int32
    public init(row: Int32, col: Int32) { self.row = row; self.col = col }
}

/// A low-level change to a model: absolute new numbers by index. Any two deltas merge by
/// last write wins, so a burst of updates conflates into one.
public struct ModelDelta: Sendable, Equatable {
    public var objectiveConstant: Double?
    public var objective: [Int32: Double] = [:]
    public var columnLower: [Int32: Double] = [:]
    public var columnUpper: [Int32: Double] = [:]
    public var rowLower: [Int32: Double] = [:]
    public var rowUpper: [Int32: Double] = [:]
    public var coefficients: [MatrixEntry: Double] = [:]
    /// New parameter values by parameter index; the numbers they drive are already above.
    public var parameters: [Int32: Double] = [:]

    public init() {}

    /// What a delta changes, which decides how a warm re-solve starts (`DeltaSource.kind`).
    public enum Kind: Sendable, Equatable {
        case nothing
        /// Objective only: the old basis stays primal feasible, so primal simplex.
        case objective
        /// Bounds or right-hand sides only: the old basis stays dual feasible, so dual simplex.
        case bounds
        /// Objective and bounds together.
        case objectiveAndBounds
        /// The matrix changed: the factorization must be rebuilt.
        case matrix
    }

    /// Merges a later delta into this one: its entries win.
    public mutating func merge(_ later: ModelDelta) {
        if let constant = later.objectiveConstant { objectiveConstant = constant }
        objective.merge(later.objective) { _, new in new }
        columnLower.merge(later.columnLower) { _, new in new }
        columnUpper.merge(later.columnUpper) { _, new in new }
        rowLower.merge(later.rowLower) { _, new in new }
        rowUpper.merge(later.rowUpper) { _, new in new }
        coefficients.merge(later.coefficients) { _, new in new }
        parameters.merge(later.parameters) { _, new in new }
    }
}
