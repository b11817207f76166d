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
}
