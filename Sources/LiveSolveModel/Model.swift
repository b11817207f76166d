/// A named linear (or mixed-integer) program: the numbers in `program`, plus the names of
/// its columns and rows and the parameters that drive some of its numbers.
///
/// ```swift
/// var model = try JSONModelReader.read(documentText)
/// let delta = try UpdateResolver(model: model).resolve(updateJSON)
/// model.apply(delta)
/// ```
public struct Model: Sendable, Equatable {
    public var name: String
    public var columns: NameIndex
    public var rows: NameIndex
    public var program: LinearProgram
    public var parameters: Parameters

    public init(name: String, columns: NameIndex, rows: NameIndex, program: LinearProgram,
                parameters: Parameters = Parameters()) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.program = program
        self.parameters = parameters
    }

    public var rowCount: Int { rows.count }
    public var columnCount: Int { columns.count }

    /// Applies a resolved delta: new parameter values and the numbers they and the delta set.
    public mutating func apply(_ delta: ModelDelta) {
        for (parameter, value) in delta.parameters { parameters.setValue(value, of: Int(parameter)) }
        program.apply(delta)
    }

    /// The delta that puts back what `delta` would change: applying `delta`, then this, leaves
    /// the model as it is now (a coefficient `delta` inserts stays, at zero).
    public func reverting(_ delta: ModelDelta) -> ModelDelta {
        var undo = ModelDelta()
        if delta.objectiveConstant != nil { undo.objectiveConstant = program.objectiveConstant }
        for col in delta.objective.keys { undo.objective[col] = program.objective[Int(col)] }
        for col in delta.columnLower.keys { undo.columnLower[col] = program.columnLower[Int(col)] }
        for col in delta.columnUpper.keys { undo.columnUpper[col] = program.columnUpper[Int(col)] }
        for row in delta.rowLower.keys { undo.rowLower[row] = program.rowLower[Int(row)] }
        for row in delta.rowUpper.keys { undo.rowUpper[row] = program.rowUpper[Int(row)] }
        for entry in delta.coefficients.keys {
            undo.coefficients[entry] = program.matrix.value(row: Int(entry.row), col: Int(entry.col)) ?? 0
        }
        for parameter in delta.parameters.keys { undo.parameters[parameter] = parameters.values[Int(parameter)] }
        return undo
    }
}
