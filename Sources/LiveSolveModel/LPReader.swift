/// Reads CPLEX LP text into a `Model` (with no parameters).
///
/// Accepts `minimize`/`maximize` (and `min`, `max`, `minimum`, `maximum`) with an optional
/// `name:` and a constant; `subject to` (`such that`, `st`, `s.t.`) with `<=`, `>=`, `=`, `=<`,
/// `=>`, `<`, `>`, constants on either side, terms split over lines and, as an extension,
/// ranged rows `name: lo <= expr <= hi`; `bounds` with `free`, `-inf`, `+inf`, `infinity`;
/// `general`, `integer`, `binary`; `end`; `\` comments. Keywords are case-insensitive and
/// recognised at the start of a line. Errors read `line L, column C: what is wrong`.
public enum LPReader {
    public static func read(_ text: String) throws(ModelError) -> Model {
        var parser = LPParser(tokens: try LPLexer.tokens(text))
        try parser.parse()
        return try parser.builder.build()
    }
}

private enum LPSection { case none, objective, constraints, bounds, integers, binaries, end }

private struct LPParser {
    let tokens: [LPToken]
    var position = 0
    var builder = ModelBuilder()
    var section = LPSection.none

    init(tokens: [LPToken]) { self.tokens = tokens }

    var current: LPToken? { position < tokens.count ? tokens[position] : nil }

    func fail(_ token: LPToken?, _ reason: String) -> ModelError {
        guard let token else {
            let last = tokens.last
            return ModelError(.invalidModel, at: "line \(last?.line ?? 1), column \(last?.column ?? 1)", "\(reason) at the end of the file")
        }
        return ModelError(.invalidModel, at: "line \(token.line), column \(token.column)", reason)
    }

    /// If the token at `position` begins a section, the section and how many tokens its keyword spans.
    func sectionKeyword(at index: Int) -> (LPSection, Int)? {
        guard index < tokens.count, tokens[index].startsLine, case .word(let word) = tokens[index].kind else { return nil }
        func next(_ expected: String) -> Bool {
            guard index + 1 < tokens.count, case .word(let w) = tokens[index + 1].kind else { return false }
            return w.lowercased() == expected && tokens[index + 1].line == tokens[index].line
        }
        switch word.lowercased() {
        case "minimize", "minimise", "minimum", "min", "maximize", "maximise", "maximum", "max": return (.objective, 1)
        case "subject" where next("to"): return (.constraints, 2)
        case "such" where next("that"): return (.constraints, 2)
        case "st", "s.t.", "st.": return (.constraints, 1)
        case "bounds", "bound": return (.bounds, 1)
        case "general", "generals", "gen", "integer", "integers", "int": return (.integers, 1)
        case "binary", "binaries", "bin": return (.binaries, 1)
        case "end": return (.end, 1)
        default: return nil
        }
    }

    mutating func parse() throws(ModelError) {
        while let token = current {
            if let (next, length) = sectionKeyword(at: position) {
                if next == .objective {
                    guard section == .none else { throw fail(token, "a second objective section") }
                    if case .word(let w) = token.kind, w.lowercased().hasPrefix("max") { builder.sense = .max }
                }
                section = next
                position += length
                if next == .objective { try parseObjective() }
                if next == .end { break }
                continue
            }
            switch section {
            case .none: throw fail(token, "expected minimize or maximize")
            case .objective: throw fail(token, "unexpected text after the objective")
            case .constraints: try parseConstraint()
            case .bounds: try parseBound()
            case .integers, .binaries: try parseIntegerName(binary: section == .binaries)
            case .end: return
            }
        }
        if section == .none { throw fail(nil, "expected minimize or maximize") }
    }

    func isSectionStart() -> Bool { sectionKeyword(at: position) != nil }

    /// `name:` at the current position, consumed if present.
    mutating func label() -> String? {
        guard position + 1 < tokens.count, case .word(let name) = tokens[position].kind, tokens[position + 1].kind == .colon else { return nil }
        position += 2
        return name
    }

    struct Expression {
        var terms: [(col: Int, value: Double)] = []
        var constant = 0.0
        var firstToken: LPToken?
        var hasContent = false
    }

    func isInfinity(_ word: String) -> Bool { ["inf", "infinity"].contains(word.lowercased()) }

    /// A sum of terms (`[sign] [number] [name]`) and constants. It ends at a relation, a section
    /// keyword, a `name:` label, or (when `stopAtLineStart`) a term without a sign that begins a
    /// line: the start of the next statement.
    mutating func expression(stopAtLineStart: Bool) throws(ModelError) -> Expression {
        var result = Expression()
        result.firstToken = current
        var isFirst = true
        while let token = current, !isSectionStart(), !isRelation(token), !startsLabel() {
            let hasSign = token.kind == .plus || token.kind == .minus
            if !isFirst, !hasSign {
                if stopAtLineStart, token.startsLine { break }
                throw fail(token, "expected '+' or '-' between terms")
            }
            var sign = 1.0
            while let t = current, t.kind == .plus || t.kind == .minus {
                if t.kind == .minus { sign = -sign }
                position += 1
            }
            var coefficient: Double? = nil
            if let t = current, case .number(let n) = t.kind {
                coefficient = n
                position += 1
            }
            if let t = current, case .word(let name) = t.kind, !startsLabel(), !isSectionStart() {
                position += 1
                if isInfinity(name) {
                    guard coefficient == nil else { throw fail(t, "a coefficient on infinity") }
                    result.constant += sign * .infinity
                } else {
                    result.terms.append((builder.column(name), sign * (coefficient ?? 1)))
                }
            } else if let coefficient {
                result.constant += sign * coefficient
            } else {
                throw fail(current, "expected a number or a variable")
            }
            isFirst = false
            result.hasContent = true
        }
        return result
    }

    func isRelation(_ token: LPToken) -> Bool { token.kind == .less || token.kind == .greater || token.kind == .equal }

    func startsLabel() -> Bool {
        guard position + 1 < tokens.count, case .word = tokens[position].kind else { return false }
        return tokens[position + 1].kind == .colon
    }

    mutating func parseObjective() throws(ModelError) {
        _ = label()
        let objective = try expression(stopAtLineStart: false)
        for term in objective.terms { builder.objective[term.col] += term.value }
        guard objective.constant.isFinite else { throw fail(objective.firstToken, "an infinite objective constant") }
        builder.objectiveConstant = objective.constant
    }

    mutating func relation() -> LPToken.Kind? {
        guard let t = current, t.kind == .less || t.kind == .greater || t.kind == .equal else { return nil }
        position += 1
        return t.kind
    }

    mutating func parseConstraint() throws(ModelError) {
        let start = current
        let name = label() ?? "c\(builder.rows.count + 1)"
        let first = try expression(stopAtLineStart: true)
        guard first.hasContent else { throw fail(current ?? start, "expected an expression in constraint \"\(name)\"") }
        guard let op1 = relation() else { throw fail(current ?? start, "expected <=, >= or = in constraint \"\(name)\"") }
        let second = try expression(stopAtLineStart: true)
        guard second.hasContent else { throw fail(current, "expected a right-hand side in constraint \"\(name)\"") }
        var lower = -Double.infinity, upper = Double.infinity
        var terms: [(col: Int, value: Double)]
        if let op2 = relation() {
            // Ranged row: lo <= expr <= hi (or hi >= expr >= lo).
            let third = try expression(stopAtLineStart: true)
            guard third.hasContent else { throw fail(current, "expected an upper limit in ranged row \"\(name)\"") }
            guard first.terms.isEmpty, third.terms.isEmpty, op1 == op2, op1 != .equal else {
                throw fail(start, "a ranged row must read lo <= expression <= hi")
            }
            terms = second.terms
            let (a, b) = (first.constant - second.constant, third.constant - second.constant)
            (lower, upper) = op1 == .less ? (a, b) : (b, a)
        } else {
            terms = first.terms + second.terms.map { ($0.col, -$0.value) }
            let rhs = second.constant - first.constant
            switch op1 {
            case .less: upper = rhs
            case .greater: lower = rhs
            default: lower = rhs; upper = rhs
            }
        }
        guard lower != .infinity, upper != -.infinity, !lower.isNaN, !upper.isNaN else { throw fail(start, "constraint \"\(name)\" has an impossible infinite bound") }
        guard lower <= upper else { throw fail(start, "constraint \"\(name)\" has lower bound \(lower) above upper bound \(upper)") }
        guard let row = builder.addRow(name) else { throw fail(start, "duplicate constraint \"\(name)\"") }
        builder.rowLower[row] = lower
        builder.rowUpper[row] = upper
        for term in terms where term.value != 0 { builder.addEntry(row: row, col: term.col, value: term.value) }
    }

    /// A signed number or infinity.
    mutating func boundValue() -> Double? {
        var sign = 1.0
        let start = position
        while let t = current, t.kind == .plus || t.kind == .minus {
            if t.kind == .minus { sign = -sign }
            position += 1
        }
        if let t = current {
            if case .number(let n) = t.kind { position += 1; return sign * n }
            if case .word(let w) = t.kind, isInfinity(w) { position += 1; return sign * .infinity }
        }
        position = start
        return nil
    }

    mutating func boundName() throws(ModelError) -> Int {
        guard let t = current, case .word(let name) = t.kind else { throw fail(current, "expected a variable name") }
        position += 1
        return builder.column(name)
    }

    mutating func parseBound() throws(ModelError) {
        let start = current!
        if let first = boundValue() {
            guard let op = relation() else { throw fail(current, "expected <=, >= or = after a bound value") }
            let col = try boundName()
            try apply(op: op, value: first, to: col, valueFirst: true, at: start)
            if let op2 = relation() {
                guard let second = boundValue() else { throw fail(current, "expected a bound value") }
                try apply(op: op2, value: second, to: col, valueFirst: false, at: start)
            }
            return
        }
        let col = try boundName()
        if let t = current, case .word(let w) = t.kind, w.lowercased() == "free" {
            position += 1
            builder.columnLower[col] = -.infinity
            builder.columnUpper[col] = .infinity
            return
        }
        guard let op = relation() else { throw fail(current, "expected <=, >=, = or free after \"\(builder.columns[col])\"") }
        guard let value = boundValue() else { throw fail(current, "expected a bound value") }
        try apply(op: op, value: value, to: col, valueFirst: false, at: start)
    }

    mutating func apply(op: LPToken.Kind, value: Double, to col: Int, valueFirst: Bool, at token: LPToken) throws(ModelError) {
        // "v <= x" bounds x below; "x <= v" bounds it above.
        let isLower = (op == .less) == valueFirst
        switch op {
        case .equal:
            guard value.isFinite else { throw fail(token, "a variable fixed at infinity") }
            builder.columnLower[col] = value
            builder.columnUpper[col] = value
        default:
            if isLower {
                guard value != .infinity else { throw fail(token, "a lower bound of +infinity") }
                builder.columnLower[col] = value
            } else {
                guard value != -.infinity else { throw fail(token, "an upper bound of -infinity") }
                builder.columnUpper[col] = value
            }
        }
    }

    mutating func parseIntegerName(binary: Bool) throws(ModelError) {
        guard let t = current, case .word(let name) = t.kind else { throw fail(current, "expected a variable name") }
        position += 1
        let col = builder.column(name)
        builder.isInteger[col] = true
        if binary {
            builder.columnLower[col] = 0
            builder.columnUpper[col] = 1
        }
    }
}
