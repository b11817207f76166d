/// Reads MPS files, fixed or free format, into a `Model` (with no parameters).
///
/// Sections: NAME, OBJSENSE (on its own line or inline), ROWS, COLUMNS with INTORG/INTEND
/// markers, RHS (an RHS on the objective row is minus the objective constant, as CLP reads it),
/// RANGES, BOUNDS (UP LO FX FR MI PL BV LI UI), ENDATA. A line is read as free format
/// (whitespace-separated) unless its fields do not fit, and then by the fixed-format columns,
/// with blanks inside names removed as CLP does. Only the first N row is the objective; other
/// free rows are dropped, as CLP drops them. Errors read `line L, column C: what is wrong`.
public enum MPSReader {
    public static func read(_ text: String) throws(ModelError) -> Model {
        var parser = MPSParser(lines: TextLines(text))
        try parser.parse()
        return try parser.finish()
    }
}

private enum RowType { case objective, freeDropped, less, greater, equal }

private struct MPSParser {
    let lines: TextLines
    var builder = ModelBuilder()
    var section = ""
    var rowTypes: [RowType] = []
    var objectiveName: String?
    var droppedRows = Set<String>()
    var rhs: [Double] = []
    var ranges: [Double?] = []
    var inIntegerBlock = false
    var sawEnd = false
    var currentColumn = -1
    var lineNumber = 0

    init(lines: TextLines) { self.lines = lines }

    func fail(_ column: Int, _ reason: String) -> ModelError {
        ModelError(.invalidModel, at: "line \(lineNumber), column \(column)", reason)
    }

    mutating func parse() throws(ModelError) {
        try lines.forEach { (line: Range<Int>, number: Int) throws(ModelError) in
            lineNumber = number
            guard !sawEnd, !line.isEmpty, lines.bytes[line.lowerBound] != UInt8(ascii: "*") else { return }
            let fields = lines.fields(in: line)
            guard !fields.isEmpty else { return }
            if !lines.isBlank(lines.bytes[line.lowerBound]) {
                try header(fields)
            } else {
                try data(fields, line: line)
            }
        }
    }

    mutating func header(_ fields: [Field]) throws(ModelError) {
        let keyword = lines.string(fields[0]).uppercased()
        switch keyword {
        case "NAME":
            builder.name = fields.count > 1 ? lines.string(fields[1]) : ""
        case "OBJSENSE":
            if fields.count > 1 { try setSense(fields[1]) }
        case "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS":
            inIntegerBlock = false
        case "ENDATA":
            sawEnd = true
        default:
            throw fail(fields[0].column, "unknown section \"\(lines.string(fields[0]))\"")
        }
        section = keyword
    }

    mutating func setSense(_ field: Field) throws(ModelError) {
        switch lines.string(field).uppercased() {
        case "MAX", "MAXIMIZE", "MAXIMISE": builder.sense = .max
        case "MIN", "MINIMIZE", "MINIMISE": builder.sense = .min
        default: throw fail(field.column, "expected MAX or MIN after OBJSENSE")
        }
    }

    mutating func data(_ fields: [Field], line: Range<Int>) throws(ModelError) {
        switch section {
        case "OBJSENSE": try setSense(fields[0])
        case "ROWS": try rowLine(fields, line: line)
        case "COLUMNS": try columnLine(fields, line: line)
        case "RHS": try rhsLine(fields, line: line, ranges: false)
        case "RANGES": try rhsLine(fields, line: line, ranges: true)
        case "BOUNDS": try boundLine(fields, line: line)
        case "NAME", "": throw fail(fields[0].column, "data line outside a section")
        default: throw fail(fields[0].column, "unexpected data in section \(section)")
        }
    }

    // MARK: fixed format

    /// The fixed-format fields 1–6 (columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61), blanks removed.
    func fixedFields(_ line: Range<Int>) -> [(text: String, column: Int)] {
        let spans = [(2, 3), (5, 12), (15, 22), (25, 36), (40, 47), (50, 61)]
        return spans.map { span in
            let start = line.lowerBound + span.0 - 1
            let end = min(line.lowerBound + span.1, line.upperBound)
            guard start < end else { return ("", span.0) }
            let text = String(decoding: lines.bytes[start..<end].filter { !lines.isBlank($0) }, as: UTF8.self)
            return (text, span.0)
        }
    }

    func fixedNumber(_ field: (text: String, column: Int)) throws(ModelError) -> Double {
        guard let value = parseNumber(ArraySlice(field.text.utf8)) else { throw fail(field.column, "expected a number, found \"\(field.text)\"") }
        return value
    }

    // MARK: ROWS

    mutating func rowLine(_ fields: [Field], line: Range<Int>) throws(ModelError) {
        let type: String, name: String, column: Int
        if fields.count == 2 {
            (type, name, column) = (lines.string(fields[0]).uppercased(), lines.string(fields[1]), fields[1].column)
        } else {
            let fixed = fixedFields(line)
            (type, name, column) = (fixed[0].text.uppercased(), fixed[1].text, fixed[1].column)
        }
        let rowType: RowType
        switch type {
        case "N": rowType = objectiveName == nil ? .objective : .freeDropped
        case "L": rowType = .less
        case "G": rowType = .greater
        case "E": rowType = .equal
        default: throw fail(fields[0].column, "unknown row type \"\(type)\" (expected N, L, G or E)")
        }
        guard name != objectiveName, !droppedRows.contains(name), builder.rows.index(of: name) == nil else {
            throw fail(column, "duplicate row \"\(name)\"")
        }
        switch rowType {
        case .objective: objectiveName = name
        case .freeDropped: droppedRows.insert(name)
        default:
            builder.addRow(name)
            rowTypes.append(rowType)
            rhs.append(0)
            ranges.append(nil)
        }
    }

    /// Resolves a row name: a row index, -1 for the objective, nil for a dropped free row.
    func row(_ name: String, column: Int) throws(ModelError) -> Int? {
        if name == objectiveName { return -1 }
        if let row = builder.rows.index(of: name) { return row }
        if droppedRows.contains(name) { return nil }
        throw fail(column, "unknown row \"\(name)\"")
    }

    func isRow(_ name: String) -> Bool {
        name == objectiveName || builder.rows.index(of: name) != nil || droppedRows.contains(name)
    }

    // MARK: COLUMNS

    mutating func columnLine(_ fields: [Field], line: Range<Int>) throws(ModelError) {
        if fields.count >= 3, lines.string(fields[1]).uppercased() == "'MARKER'" {
            switch lines.string(fields[2]).uppercased() {
            case "'INTORG'": inIntegerBlock = true
            case "'INTEND'": inIntegerBlock = false
            default: throw fail(fields[2].column, "unknown marker \(lines.string(fields[2])) (expected 'INTORG' or 'INTEND')")
            }
            return
        }
        var pairs: [(row: String, rowColumn: Int, value: Double)] = []
        let columnName: String
        if fields.count == 3 || fields.count == 5, let first = lines.number(fields[2]),
           fields.count == 3 || lines.number(fields[4]) != nil {
            columnName = lines.string(fields[0])
            pairs.append((lines.string(fields[1]), fields[1].column, first))
            if fields.count == 5 { pairs.append((lines.string(fields[3]), fields[3].column, lines.number(fields[4])!)) }
        } else {
            let fixed = fixedFields(line)
            guard !fixed[1].text.isEmpty, !fixed[2].text.isEmpty else {
                throw fail(fields[0].column, "expected a column name, a row name and a value")
            }
            columnName = fixed[1].text
            pairs.append((fixed[2].text, fixed[2].column, try fixedNumber(fixed[3])))
            if !fixed[4].text.isEmpty { pairs.append((fixed[4].text, fixed[4].column, try fixedNumber(fixed[5]))) }
        }
        if currentColumn < 0 || builder.columns[currentColumn] != columnName {
            guard let col = builder.addColumn(columnName) else {
                throw fail(fields[0].column, "column \"\(columnName)\" appears again after other columns")
            }
            currentColumn = col
            if inIntegerBlock { builder.isInteger[col] = true }
        }
        for pair in pairs {
            guard let row = try row(pair.row, column: pair.rowColumn) else { continue }
            if row < 0 {
                builder.objective[currentColumn] += pair.value
            } else if pair.value != 0 {
                builder.addEntry(row: row, col: currentColumn, value: pair.value)
            }
        }
    }

    // MARK: RHS and RANGES

    mutating func rhsLine(_ fields: [Field], line: Range<Int>, ranges isRanges: Bool) throws(ModelError) {
        var pairs: [(row: String, rowColumn: Int, value: Double)] = []
        let count = fields.count
        if (count == 2 || count == 4), isRow(lines.string(fields[0])), lines.number(fields[1]) != nil,
           count == 2 || lines.number(fields[3]) != nil {
            // Free format without a set name.
            for k in stride(from: 0, to: count, by: 2) { pairs.append((lines.string(fields[k]), fields[k].column, lines.number(fields[k + 1])!)) }
        } else if (count == 3 || count == 5), lines.number(fields[2]) != nil, count == 3 || lines.number(fields[4]) != nil {
            for k in stride(from: 1, to: count, by: 2) { pairs.append((lines.string(fields[k]), fields[k].column, lines.number(fields[k + 1])!)) }
        } else {
            let fixed = fixedFields(line)
            guard !fixed[2].text.isEmpty else { throw fail(fields[0].column, "expected a row name and a value") }
            pairs.append((fixed[2].text, fixed[2].column, try fixedNumber(fixed[3])))
            if !fixed[4].text.isEmpty { pairs.append((fixed[4].text, fixed[4].column, try fixedNumber(fixed[5]))) }
        }
        for pair in pairs {
            guard let row = try row(pair.row, column: pair.rowColumn) else { continue }
            if isRanges {
                guard row >= 0 else { throw fail(pair.rowColumn, "a range on the objective row \"\(pair.row)\"") }
                ranges[row] = pair.value
            } else if row < 0 {
                builder.objectiveConstant = -pair.value
            } else {
                rhs[row] = pair.value
            }
        }
    }

    // MARK: BOUNDS

    mutating func boundLine(_ fields: [Field], line: Range<Int>) throws(ModelError) {
        let type = lines.string(fields[0]).uppercased()
        let needsValue: Bool
        switch type {
        case "UP", "LO", "FX", "LI", "UI": needsValue = true
        case "FR", "MI", "PL", "BV": needsValue = false
        default: throw fail(fields[0].column, "unknown bound type \"\(lines.string(fields[0]))\" (expected UP, LO, FX, FR, MI, PL, BV, LI or UI)")
        }
        var name: String, nameColumn: Int, value: Double? = nil
        let count = fields.count
        if needsValue, count == 4, let v = lines.number(fields[3]) {
            (name, nameColumn, value) = (lines.string(fields[2]), fields[2].column, v)
        } else if needsValue, count == 3, let v = lines.number(fields[2]) {
            (name, nameColumn, value) = (lines.string(fields[1]), fields[1].column, v)
        } else if !needsValue, count == 3 || count == 2 {
            (name, nameColumn) = (lines.string(fields[count - 1]), fields[count - 1].column)
        } else if !needsValue, count == 4, lines.number(fields[3]) != nil {
            (name, nameColumn) = (lines.string(fields[2]), fields[2].column)
        } else {
            let fixed = fixedFields(line)
            (name, nameColumn) = (fixed[2].text, fixed[2].column)
            if needsValue { value = try fixedNumber(fixed[3]) }
        }
        guard let col = builder.columns.index(of: name) else { throw fail(nameColumn, "unknown column \"\(name)\"") }
        switch type {
        case "UP":
            // CLP's reading: a negative upper bound on a column whose lower bound is 0 makes it unbounded below.
            if value! < 0, builder.columnLower[col] == 0 { builder.columnLower[col] = -.infinity }
            builder.columnUpper[col] = value!
        case "LO": builder.columnLower[col] = value!
        case "FX": builder.columnLower[col] = value!; builder.columnUpper[col] = value!
        case "FR": builder.columnLower[col] = -.infinity; builder.columnUpper[col] = .infinity
        case "MI": builder.columnLower[col] = -.infinity
        case "PL": builder.columnUpper[col] = .infinity
        case "BV": builder.isInteger[col] = true; builder.columnLower[col] = 0; builder.columnUpper[col] = 1
        case "LI": builder.isInteger[col] = true; builder.columnLower[col] = value!
        case "UI": builder.isInteger[col] = true; builder.columnUpper[col] = value!
        default: break
        }
    }

    // MARK: end

    mutating func finish() throws(ModelError) -> Model {
        guard sawEnd else { throw ModelError(.invalidModel, at: "line \(lineNumber), column 1", "missing ENDATA") }
        for row in 0..<rowTypes.count {
            let value = rhs[row]
            let range = ranges[row].map { abs($0) }
            switch rowTypes[row] {
            case .less:
                builder.rowUpper[row] = value
                builder.rowLower[row] = range.map { value - $0 } ?? -.infinity
            case .greater:
                builder.rowLower[row] = value
                builder.rowUpper[row] = range.map { value + $0 } ?? .infinity
            case .equal:
                if let r = ranges[row], r < 0 {
                    builder.rowLower[row] = value + r
                    builder.rowUpper[row] = value
                } else {
                    builder.rowLower[row] = value
                    builder.rowUpper[row] = value + (range ?? 0)
                }
            case .objective, .freeDropped: break
            }
        }
        return try builder.build()
    }
}
