/// Writes a model as CPLEX LP text that `LPReader` reads back to the same program.
///
/// LP cannot spell every name: a name with whitespace or one of `+ - < > = : \`, a name that
/// reads as a number, and a keyword (`end`, `free`, `inf`, …) are written with those characters
/// replaced by `_` (and a suffix if that collides). Parameters are written as their current values.
public enum LPWriter {
    public static func write(_ model: Model) -> String {
        let program = model.program
        var names = LPNames()
        let columnNames = model.columns.names.map { names.safe($0) }
        var rowNames = LPNames()
        var out = "\\ \(model.name.isEmpty ? "model" : model.name), written by LiveSolve\n"
        out += program.sense == .max ? "Maximize\n" : "Minimize\n"
        var line = LPLine(" obj:")
        for col in 0..<model.columnCount where program.objective[col] != 0 {
            line.term(program.objective[col], columnNames[col])
        }
        if program.objectiveConstant != 0 { line.constant(program.objectiveConstant) }
        out += line.finished

        var rowTerms = [[(col: Int, value: Double)]](repeating: [], count: model.rowCount)
        var appears = [Bool](repeating: false, count: model.columnCount)
        for col in 0..<model.columnCount {
            for (row, value) in program.matrix.column(col) {
                rowTerms[Int(row)].append((col, value))
                appears[col] = true
            }
            if program.objective[col] != 0 { appears[col] = true }
        }
        out += "Subject To\n"
        for row in 0..<model.rowCount {
            let name = rowNames.safe(model.rows[row])
            let (lower, upper) = (program.rowLower[row], program.rowUpper[row])
            let isRanged = lower.isFinite && upper.isFinite && lower != upper
            var line = LPLine(" \(name):" + (isRanged ? " \(number(lower)) <=" : ""))
            if rowTerms[row].isEmpty, let any = columnNames.first { line.term(0, any) }
            for term in rowTerms[row] { line.term(term.value, columnNames[term.col]) }
            if isRanged { line.text(" <= \(number(upper))") }
            else if lower == upper { line.text(" = \(number(lower))") }
            else if lower.isFinite { line.text(" >= \(number(lower))") }
            else if upper.isFinite { line.text(" <= \(number(upper))") }
            else { line.text(" >= -inf") }
            out += line.finished
        }
        out += "Bounds\n"
        for col in 0..<model.columnCount {
            let (lower, upper, name) = (program.columnLower[col], program.columnUpper[col], columnNames[col])
            if lower == -.infinity, upper == .infinity { out += " \(name) free\n" }
            else if lower == upper { out += " \(name) = \(number(lower))\n" }
            else if lower != 0, upper != .infinity { out += " \(number(lower)) <= \(name) <= \(number(upper))\n" }
            else if lower != 0 { out += " \(name) >= \(number(lower))\n" }
            else if upper != .infinity { out += " \(name) <= \(number(upper))\n" }
            else if !appears[col] { out += " \(name) >= 0\n" }
        }
        let integers = (0..<model.columnCount).filter { program.isInteger[$0] }
        if !integers.isEmpty {
            out += "General\n"
            for col in integers { out += " \(columnNames[col])\n" }
        }
        out += "End\n"
        return out
    }

    static func number(_ value: Double) -> String {
        if value == .infinity { return "+inf" }
        if value == -.infinity { return "-inf" }
        return JSONWriter.number(value)
    }
}

/// Builds one statement, wrapping long ones onto lines that start with a sign.
private struct LPLine {
    private var buffer: String
    private var termsOnLine = 0

    init(_ start: String) { buffer = start }

    mutating func term(_ value: Double, _ name: String) {
        if termsOnLine == 8 { buffer += "\n  "; termsOnLine = 0 }
        buffer += value.sign == .minus ? " - " : " + "
        buffer += "\(LPWriter.number(abs(value))) \(name)"
        termsOnLine += 1
    }

    mutating func constant(_ value: Double) {
        buffer += value < 0 ? " - \(LPWriter.number(-value))" : " + \(LPWriter.number(value))"
    }

    mutating func text(_ s: String) { buffer += s }

    var finished: String { buffer + "\n" }
}

/// Makes names LP-safe and unique.
private struct LPNames {
    private var used = Set<String>()
    private static let keywords: Set<String> = [
        "minimize", "minimise", "minimum", "min", "maximize", "maximise", "maximum", "max", "subject", "such",
        "st", "s.t.", "st.", "bounds", "bound", "general", "generals", "gen", "integer", "integers", "int",
        "binary", "binaries", "bin", "end", "free", "inf", "infinity",
    ]

    mutating func safe(_ name: String) -> String {
        var s = String(name.map { " \t+-<>=:\\".contains($0) ? "_" : $0 })
        if s.isEmpty || Self.keywords.contains(s.lowercased()) || parseNumber(ArraySlice(s.utf8)) != nil { s = "_" + s }
        var candidate = s, n = 2
        while used.contains(candidate) { candidate = "\(s)_\(n)"; n += 1 }
        used.insert(candidate)
        return candidate
    }
}
