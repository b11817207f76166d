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

    /// What `append(_ entries:)` wrote, left in the frame.
    mutating func readEntries() throws(FrameError) -> FrameEntries {
        let entries = FrameEntries(keys: try readCountedRun(of: Int32.self), values: try readCountedRun(of: Double.self))
        guard entries.keys.count == entries.values.count else {
            throw FrameError("delta has \(entries.keys.count) indices and \(entries.values.count) values")
        }
        return entries
    }

    mutating func readDelta() throws(FrameError) -> DeltaFrame {
        let hasConstant = try readBool()
        let constant = try readDouble()
        let objective = try readEntries(), columnLower = try readEntries(), columnUpper = try readEntries()
        let rowLower = try readEntries(), rowUpper = try readEntries()
        let rows = try readCountedRun(of: Int32.self), cols = try readCountedRun(of: Int32.self)
        let values = try readCountedRun(of: Double.self)
        guard rows.count == cols.count, cols.count == values.count else { throw FrameError("delta coefficients have mismatched lengths") }
        return DeltaFrame(
            objectiveConstant: hasConstant ? constant : nil, objective: objective, columnLower: columnLower,
            columnUpper: columnUpper, rowLower: rowLower, rowUpper: rowUpper,
            coefficientRows: rows, coefficientColumns: cols, coefficientValues: values)
    }
}

/// Index and value runs of one map in a frame.
public struct FrameEntries {
    let keys: CountedRun<Int32>
    let values: CountedRun<Double>

    func forEach(_ body: (Int32, Double) -> Void) {
        for i in 0..<keys.count { body(keys.element(i), values.element(i)) }
    }

    var isEmpty: Bool { keys.count == 0 }
}

/// A solve request's delta read in place: the worker applies it entry by entry, and builds no
/// dictionaries for the one or two entries an update usually carries. An index repeated in a
/// map (which `ModelDelta` never writes) applies its last value.
public struct DeltaFrame: DeltaSource {
    public let objectiveConstant: Double?
    let objective, columnLower, columnUpper, rowLower, rowUpper: FrameEntries
    let coefficientRows, coefficientColumns: CountedRun<Int32>
    let coefficientValues: CountedRun<Double>

    public func forEachObjective(_ body: (Int32, Double) -> Void) { objective.forEach(body) }
    public func forEachColumnLower(_ body: (Int32, Double) -> Void) { columnLower.forEach(body) }
    public func forEachColumnUpper(_ body: (Int32, Double) -> Void) { columnUpper.forEach(body) }
    public func forEachRowLower(_ body: (Int32, Double) -> Void) { rowLower.forEach(body) }
    public func forEachRowUpper(_ body: (Int32, Double) -> Void) { rowUpper.forEach(body) }
    public func forEachCoefficient(_ body: (Int32, Int32, Double) -> Void) {
        for i in 0..<coefficientValues.count {
            body(coefficientRows.element(i), coefficientColumns.element(i), coefficientValues.element(i))
        }
    }
    public var hasObjectiveEntries: Bool { !objective.isEmpty }
    public var hasBoundEntries: Bool { !columnLower.isEmpty || !columnUpper.isEmpty || !rowLower.isEmpty || !rowUpper.isEmpty }
    public var hasCoefficients: Bool { coefficientValues.count > 0 }

    /// The same delta in dictionaries.
    public var modelDelta: ModelDelta {
        var delta = ModelDelta()
        delta.objectiveConstant = objectiveConstant
        forEachObjective { delta.objective[$0] = $1 }
        forEachColumnLower { delta.columnLower[$0] = $1 }
        forEachColumnUpper { delta.columnUpper[$0] = $1 }
        forEachRowLower { delta.rowLower[$0] = $1 }
        forEachRowUpper { delta.rowUpper[$0] = $1 }
        forEachCoefficient { delta.coefficients[MatrixEntry(row: $0, col: $1)] = $2 }
        return delta
    }
}
