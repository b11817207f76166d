/// Collects a model piece by piece for the readers, then builds it in one step.
struct ModelBuilder {
    var name = ""
    var sense = Sense.min
    var objectiveConstant = 0.0
    var columns = NameIndex()
    var rows = NameIndex()
    var objective: [Double] = []
    var columnLower: [Double] = []
    var columnUpper: [Double] = []
    var isInteger: [Bool] = []
    var rowLower: [Double] = []
    var rowUpper: [Double] = []
    var entries: [[(row: Int32, value: Double)]] = []
    var parameters = Parameters()

    /// Adds a column with the default bounds [0, +∞); nil if the name is taken.
    mutating func addColumn(_ name: String) -> Int? {
        guard let index = columns.append(name) else { return nil }
        objective.append(0)
        columnLower.append(0)
        columnUpper.append(.infinity)
        isInteger.append(false)
        entries.append([])
        return index
    }

    /// The column named `name`, added if new.
    mutating func column(_ name: String) -> Int {
        columns.index(of: name) ?? addColumn(name)!
    }

    /// Adds a free row; nil if the name is taken.
    @discardableResult
    mutating func addRow(_ name: String) -> Int? {
        guard let index = rows.append(name) else { return nil }
        rowLower.append(-.infinity)
        rowUpper.append(.infinity)
        return index
    }

    mutating func addEntry(row: Int, col: Int, value: Double) {
        entries[col].append((Int32(row), value))
    }

    /// The model, or `invalid_model` naming the first number the solver cannot take (`SolverRange`).
    func build() throws(ModelError) -> Model {
        if let problem = firstOutOfRange() { throw ModelError(.invalidModel, at: problem.at, problem.reason) }
        let program = LinearProgram(
            sense: sense, objectiveConstant: objectiveConstant, objective: objective,
            columnLower: columnLower, columnUpper: columnUpper, rowLower: rowLower, rowUpper: rowUpper,
            isInteger: isInteger, matrix: SparseMatrix(rowCount: rows.count, columns: entries))
        return Model(name: name, columns: columns, rows: rows, program: program, parameters: parameters)
    }

    /// The first number the solver cannot take: where (`variable "x"`, `row "c1"`,
    /// `variable "x" in row "c1"`) and why.
    private func firstOutOfRange() -> (at: String, reason: String)? {
        for j in objective.indices {
            let at = "variable \(JSONWriter.quoted(columns[j]))"
            if let reason = SolverRange.problem(objective[j], at: .objective(col: j))
                ?? SolverRange.problem(columnLower[j], at: .columnLower(j)) ?? SolverRange.problem(columnUpper[j], at: .columnUpper(j)) {
                return (at, reason)
            }
            for entry in entries[j] {
                if let reason = SolverRange.problem(entry.value, at: .coefficient(row: Int(entry.row), col: j)) {
                    return ("\(at) in row \(JSONWriter.quoted(rows[Int(entry.row)]))", reason)
                }
            }
        }
        for i in rowLower.indices {
            if let reason = SolverRange.problem(rowLower[i], at: .rowLower(i)) ?? SolverRange.problem(rowUpper[i], at: .rowUpper(i)) {
                return ("row \(JSONWriter.quoted(rows[i]))", reason)
            }
        }
        return nil
    }
}
