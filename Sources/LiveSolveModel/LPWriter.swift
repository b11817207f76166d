/// Writes a model as CPLEX LP text that `LPReader` reads back to the same model, columns in
/// the same order: the objective names every column (`+ 0 x` where it has no cost), since an LP
/// file orders columns by where they first appear. A ranged row is written as LiveSolve's
/// extension `name: lo <= expression <= hi`, which HiGHS and CPLEX do not read.
///
/// The file follows the CPLEX LP rules, so other solvers read it too. A name those rules do not
/// allow is escaped: `[` and `]` become `(` and `)` (`x[1]` is written `x(1)`), any other
/// character a name may not hold (whitespace, `+ - * ^ < > = : \`) becomes `_`, and a name that
/// begins with a digit or a period, is a keyword (`end`, `free`, `inf`, `sos`, …) or reads as an
/// exponent to CPLEX (`e`, `e24`, `eels`) gets a leading `_`; a suffix keeps escaped names unique. Parameters are written as their current values.
public enum LPWriter {
    public static func write(_ model: Model) -> String {
        let program = model.program
        let columnNames = LPNames.escaped(model.columns.names)
        let rowNames = LPNames.escaped(model.rows.names)
        var out = "\\ \(model.name.isEmpty ? "model" : model.name), written by LiveSolve\n"
        out += program.sense == .max ? "Maximize\n" : "Minimize\n"
        var line = LPLine(" obj:")
        for col in 0..<model.columnCount { line.term(program.objective[col], columnNames[col]) }
        if program.objectiveConstant != 0 { line.constant(program.objectiveConstant) }
        out += line.finished

        var rowTerms = [[(col: Int, value: Double)]](repeating: [], count: model.rowCount)
        for col in 0..<model.columnCount {
            for (row, value) in program.matrix.column(col) { rowTerms[Int(row)].append((col, value)) }
        }
        out += "Subject To\n"
        for row in 0..<model.rowCount {
            let name = rowNames[row]
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

/// Makes names LP-safe and unique: a name the rules allow is kept as it is.
private enum LPNames {
    private static let keywords: Set<String> = [
        "minimize", "minimise", "minimum", "min", "maximize", "maximise", "maximum", "max", "subject", "such",
        "st", "s.t.", "st.", "bounds", "bound", "general", "generals", "gen", "integer", "integers", "int",
        "binary", "binaries", "bin", "semi", "semis", "sos", "sos1", "sos2", "gencons",
        "end", "free", "inf", "infinity",
    ]

    static func escaped(_ names: [String]) -> [String] {
        let safe = names.map(escape)
        var used = Set(zip(names, safe).filter { $0 == $1 }.map(\.0))
        return zip(names, safe).map { name, escaped in
            guard name != escaped else { return name }
            var candidate = escaped, n = 2
            while used.contains(candidate) { candidate = "\(escaped)_\(n)"; n += 1 }
            used.insert(candidate)
            return candidate
        }
    }

    private static func escape(_ name: String) -> String {
        var bytes = name.utf8.map { b -> UInt8 in
            switch b {
            case UInt8(ascii: "["): UInt8(ascii: "(")
            case UInt8(ascii: "]"): UInt8(ascii: ")")
            case _ where LPLexer.isNameCharacter(b): b
            default: UInt8(ascii: "_")
            }
        }
        if bytes.isEmpty || !LPLexer.isNameStart(bytes[0]) { bytes.insert(UInt8(ascii: "_"), at: 0) }
        let s = String(decoding: bytes, as: UTF8.self)
        return keywords.contains(s.lowercased()) || readsAsExponent(bytes) ? "_" + s : s
    }

    /// CPLEX reserves `e` alone, or followed by a digit or another `e`, for exponents.
    private static func readsAsExponent(_ bytes: [UInt8]) -> Bool {
        guard bytes[0] | 0x20 == UInt8(ascii: "e") else { return false }
        return bytes.count == 1 || LPLexer.isDigit(bytes[1]) || bytes[1] | 0x20 == UInt8(ascii: "e")
    }
}
