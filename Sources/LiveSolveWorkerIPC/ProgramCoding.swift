import LiveSolveModel

// Binary forms of programs and deltas. Indices are Int32, numbers their IEEE bits.

extension ByteWriter {
    mutating func append(_ program: LinearProgram) {
        append(program.sense == .max)
        append(program.objectiveConstant)
        append(array: program.objective)
        append(array: program.columnLower)
        append(array: program.columnUpper)
        append(array: program.rowLower)
        append(array: program.rowUpper)
        append(array: program.isInteger.map { UInt8($0 ? 1 : 0) })
        append(array: program.matrix.columnStarts)
        append(array: program.matrix.rowIndices)
        append(array: program.matrix.values)
    }

    /// Keys then values, without building an array of either: a solve request goes out for
    /// every update, and most of its maps are empty.
    mutating func append(_ entries: [Int32: Double]) {
        append(run: entries.keys)
        append(run: entries.values)
    }

    mutating func append(_ delta: ModelDelta) {
        append(delta.objectiveConstant != nil)
        append(delta.objectiveConstant ?? 0)
        append(delta.objective)
        append(delta.columnLower)
        append(delta.columnUpper)
        append(delta.rowLower)
        append(delta.rowUpper)
        append(run: delta.coefficients.keys.lazy.map(\.row))
        append(run: delta.coefficients.keys.lazy.map(\.col))
        append(run: delta.coefficients.values)
    }
}

extension ByteReader {
    mutating func readProgram() throws(FrameError) -> LinearProgram {
        let sense: Sense = try readBool() ? .max : .min
        let constant = try readDouble()
        let objective = try readArray(of: Double.self)
        let columnLower = try readArray(of: Double.self)
        let columnUpper = try readArray(of: Double.self)
        let rowLower = try readArray(of: Double.self)
        let rowUpper = try readArray(of: Double.self)
        let isInteger = try readArray(of: UInt8.self).map { $0 != 0 }
        let starts = try readArray(of: Int32.self)
        let rowIndices = try readArray(of: Int32.self)
        let values = try readArray(of: Double.self)
        let cols = objective.count, rows = rowLower.count
        guard columnLower.count == cols, columnUpper.count == cols, isInteger.count == cols, rowUpper.count == rows,
              starts.count == cols + 1, starts.first == 0, Int(starts.last!) == values.count, rowIndices.count == values.count,
              zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }), rowIndices.allSatisfy({ $0 >= 0 && Int($0) < rows })
        else { throw FrameError("inconsistent program: \(rows) rows, \(cols) columns, \(values.count) nonzeros") }
        return LinearProgram(
            sense: sense, objectiveConstant: constant, objective: objective, columnLower: columnLower,
            columnUpper: columnUpper, rowLower: rowLower, rowUpper: rowUpper, isInteger: isInteger,
            matrix: SparseMatrix(rowCount: rows, columnStarts: starts, rowIndices: rowIndices, values: values))
    }

    /// What `append(_ entries:)` wrote, read straight into the dictionary.
    mutating func readEntries() throws(FrameError) -> [Int32: Double] {
        let keys = try readCountedRun(of: Int32.self)
        let values = try readCountedRun(of: Double.self)
        guard keys.count == values.count else { throw FrameError("delta has \(keys.count) indices and \(values.count) values") }
        var entries: [Int32: Double] = [:]
        guard keys.count > 0 else { return entries }
        entries.reserveCapacity(keys.count)
        for i in 0..<keys.count { entries[keys.element(i)] = values.element(i) }
        return entries
    }

    mutating func readDelta() throws(FrameError) -> ModelDelta {
        var delta = ModelDelta()
        let hasConstant = try readBool()
        let constant = try readDouble()
        if hasConstant { delta.objectiveConstant = constant }
        delta.objective = try readEntries()
        delta.columnLower = try readEntries()
        delta.columnUpper = try readEntries()
        delta.rowLower = try readEntries()
        delta.rowUpper = try readEntries()
        let rows = try readCountedRun(of: Int32.self), cols = try readCountedRun(of: Int32.self)
        let values = try readCountedRun(of: Double.self)
        guard rows.count == cols.count, cols.count == values.count else { throw FrameError("delta coefficients have mismatched lengths") }
        for i in 0..<values.count {
            delta.coefficients[MatrixEntry(row: rows.element(i), col: cols.element(i))] = values.element(i)
        }
        return delta
    }
}
