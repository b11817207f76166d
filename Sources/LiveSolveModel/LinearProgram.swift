/// Whether the objective is minimised or maximised.
public enum Sense: String, Sendable, Equatable {
    case min, max
}

/// The numbers of a model, without names or parameters: what a solver loads and a worker holds.
///
/// Infinite bounds are `±Double.infinity`.
public struct LinearProgram: Sendable, Equatable {
    public var sense: Sense
    public var objectiveConstant: Double
    public var objective: [Double]
    public var columnLower: [Double]
    public var columnUpper: [Double]
    public var rowLower: [Double]
    public var rowUpper: [Double]
    public var isInteger: [Bool]
    public var matrix: SparseMatrix

    public init(sense: Sense, objectiveConstant: Double, objective: [Double], columnLower: [Double],
                columnUpper: [Double], rowLower: [Double], rowUpper: [Double], isInteger: [Bool],
                matrix: SparseMatrix) {
        self.sense = sense
        self.objectiveConstant = objectiveConstant
        self.objective = objective
        self.columnLower = columnLower
        self.columnUpper = columnUpper
        self.rowLower = rowLower
        self.rowUpper = rowUpper
        self.isInteger = isInteger
        self.matrix = matrix
    }

    public var rowCount: Int { rowLower.count }
    public var columnCount: Int { objective.count }
    public var integerCount: Int { isInteger.lazy.filter { $0 }.count }

    /// Applies a delta's numbers (its parameter values belong to `Model`, not here).
    public mutating func apply(_ delta: some DeltaSource) {
        if let constant = delta.objectiveConstant { objectiveConstant = constant }
        delta.forEachObjective { objective[Int($0)] = $1 }
        delta.forEachColumnLower { columnLower[Int($0)] = $1 }
        delta.forEachColumnUpper { columnUpper[Int($0)] = $1 }
        delta.forEachRowLower { rowLower[Int($0)] = $1 }
        delta.forEachRowUpper { rowUpper[Int($0)] = $1 }
        delta.forEachCoefficient { matrix.set(row: Int($0), col: Int($1), to: $2) }
    }
}
