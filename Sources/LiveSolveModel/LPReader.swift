/// Reads CPLEX LP text into a `Model` (with no parameters).
///
/// Accepts `minimize`/`maximize` (and `min`, `max`, `minimum`, `maximum`) with an optional
/// `name:` and a constant; `subject to` (`such that`, `st`, `s.t.`) with `<=`, `>=`, `=`, `=<`,
/// `=>`, `<`, `>`, constants on either side, terms split over lines and, as an extension,
/// ranged rows `name: lo <= expr <= hi`; `bounds` with `free`, `-inf`, `+inf`, `infinity`;
/// `general`, `integer`, `binary`; `end`; `\` comments. Names and numbers follow the CPLEX
/// rules (see `LPLexer`): `3x` is three times x, and a name that begins with a digit is an
/// error. Keywords are case-insensitive and recognised at the start of a line, unless a `:`
/// follows them (then they name a row). Sections LiveSolve cannot solve (semi-continuous, SOS,
/// general constraints, lazy constraints, user cuts) are refused by name. Errors read
/// `line L, column C: what is wrong`.
public enum LPReader {
    public static func read(_ text: String) throws(ModelError) -> Model {
        var parser = LPParser(tokens: try LPLexer.tokens(text))
        try parser.parse()
        return try parser.builder.build()
    }
}

private enum LPSection: Equatable {
    case none, objective, constraints, bounds, integers, binaries, end
    /// A section LiveSolve cannot solve, by the name its error gives it.
    case unsupported(String)
}

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

    /// If the token at `index` begins a section, the section and how many tokens its keyword spans.
    func sectionKeyword(at index: Int) -> (LPSection, Int)? {
        guard index < tokens.count, tokens[index].startsLine, case .word(let word) = tokens[index].kind else { return nil }
        /// The tokens the keyword spans when the words after its first, on its line, are `expected` (a `-` between them allowed).
        func followedBy(_ expected: String...) -> Int? {
            var j = index + 1
            for word in expected {
                if j < tokens.count, tokens[j].kind == .minus, tokens[j].line == tokens[index].line { j += 1 }
                guard j < tokens.count, tokens[j].line == tokens[index].line, case .word(let w) = tokens[j].kind,
                      w.lowercased() == word else { return nil }
                j += 1
            }
            return j - index
        }
        let keyword: (LPSection, Int)? = switch word.lowercased() {
        case "minimize", "minimise", "minimum", "min", "maximize", "maximise", "maximum", "max": (.objective, 1)
        case "subject": followedBy("to").map { (.constraints, $0) }
        case "such": followedBy("that").map { (.constraints, $0) }
        case "st", "s.t.", "st.": (.constraints, 1)
        case "bounds", "bound": (.bounds, 1)
        case "general", "gen":
            if let n = followedBy("constraints") ?? followedBy("constraint") ?? followedBy("cons") {
                (.unsupported("general constraints"), n)
            } else {
                (.integers, 1)
            }
        case "generals", "integer", "integers", "int": (.integers, 1)
        case "binary", "binaries", "bin": (.binaries, 1)
        case "semi": followedBy("continuous").map { (.unsupported("semi-continuous"), $0) } ?? (.unsupported("semi-continuous"), 1)
        case "semis", "semi-continuous": (.unsupported("semi-continuous"), 1)
        case "sos", "sos1", "sos2": (.unsupported("SOS"), 1)
        case "gencons": (.unsupported("general constraints"), 1)
        case "lazy": followedBy("constraints").map { (.unsupported("lazy constraints"), $0) }
        case "user": followedBy("cuts").map { (.unsupported("user cuts"), $0) }
        case "end": (.end, 1)
        default: nil
        }
        // A keyword followed by ':' is a row's name, not a section.
        guard let keyword, index + keyword.1 >= tokens.count || tokens[index + keyword.1].kind != .colon else { return nil }
        return keyword
    }

    mutating func parse() throws(ModelError) {
        while let token = current {
            if let (next, length) = sectionKeyword(at: position) {
                if next == .objective {
                    guard section == .none else { throw fail(token, "a second objective section") }
                    if case .word(let w) = token.kind, w.lowercased().hasPrefix("max") { builder.sense = .max }
                }
                if case .unsupported(let name) = next {
                    throw fail(token, "the \(name) section is not supported: LiveSolve reads continuous, integer and binary variables and linear constraints")
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
            case .end, .unsupported: return
            }
        }
        if section == .none { throw fail(nil, "expected minimize or maximize") }
    }

    func isSectionStart() -> Bool { sectionKeyword(at: position) != nil }

    /// `name:` at the current position, consumed if present. A label that begins with a digit
    /// (`2c:`, `1:`) is an error.
    mutating func label(of what: String) throws(ModelError) -> String? {
        if let bad = numericLabel() {
            throw fail(tokens[position], "a name may not begin with a digit: \"\(bad)\" (rename the \(what))")
        }
        guard startsLabel(), case .word(let name) = tokens[position].kind else { return nil }
        position += 2
        return name
    }

    /// The text of a label that begins with a digit (`2c:` or `1:`) at the current position, if one is there.
    func numericLabel() -> String? {
        guard position + 1 < tokens.count, case .number = tokens[position].kind else { return nil }
        if tokens[position + 1].kind == .colon { return String(tokens[position].text) }
        guard position + 2 < tokens.count, tokens[position + 1].isGlued, tokens[position + 2].kind == .colon else { return nil }
        return String(tokens[position].text + tokens[position + 1].text)
    }

    /// The word glued to the number at the current position (`x` of `3x`), if any.
    var gluedName: String? {
        guard position + 1 < tokens.count, tokens[position + 1].isGlued, case .word(let name) = tokens[position + 1].kind else { return nil }
        return name
    }

    /// The error for the number at the current position where a name must be: `3x` or `1`.
    func nameExpected() -> ModelError {
        let token = tokens[position]
        guard let name = gluedName else {
            return fail(token, "a name may not begin with a digit: \"\(token.text)\" (rename the variable)")
        }
        return fail(token, "a name may not begin with a digit: \"\(token.text)\(name)\" (write \"\(token.text) \(name)\" for \(token.text) times \(name), or rename the variable)")
    }

    /// The error for a coefficient in the bounds section (`3x <= 6`).
    func boundCoefficient(_ name: String) -> ModelError {
        let token = tokens[position]
        return fail(token, "a bound takes no coefficient: \"\(token.text)\(name)\" is \(token.text) times \(name) (write the bound on \(name) alone; a name may not begin with a digit)")
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
        while let token = current, !isSectionStart(), !isRelation(token), !startsLabel(), numericLabel() == nil {
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
            if coefficient != nil, let t = current, !t.startsLine, case .number = t.kind {
                throw nameExpected()
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
        _ = try label(of: "objective")
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
        let name = try label(of: "constraint") ?? "c\(builder.rows.count + 1)"
        // An empty left side (`c: <= 3`, as HiGHS writes a row with no terms) reads as 0.
        let first = try expression(stopAtLineStart: true)
        guard first.hasContent || current.map(isRelation) == true else {
            throw fail(current ?? start, "expected an expression in constraint \"\(name)\"")
        }
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

    /// A signed number or infinity. A number glued to a name (`3x`) is an error: a bound has no coefficient.
    mutating func boundValue() throws(ModelError) -> Double? {
        var sign = 1.0
        let start = position
        while let t = current, t.kind == .plus || t.kind == .minus {
            if t.kind == .minus { sign = -sign }
            position += 1
        }
        if let t = current {
            if case .number(let n) = t.kind {
                if let name = gluedName { throw boundCoefficient(name) }
                position += 1
                return sign * n
            }
            if case .word(let w) = t.kind, isInfinity(w) { position += 1; return sign * .infinity }
        }
        position = start
        return nil
    }

    mutating func boundName() throws(ModelError) -> Int {
        guard let t = current else { throw fail(nil, "expected a variable name") }
        if case .number = t.kind {
            if section == .bounds, let name = gluedName { throw boundCoefficient(name) }
            throw nameExpected()
        }
        guard case .word(let name) = t.kind else { throw fail(t, "expected a variable name") }
        position += 1
        return builder.column(name)
    }

    mutating func parseBound() throws(ModelError) {
        let start = current!
        let startPosition = position
        if let first = try boundValue() {
            guard let op = relation() else {
                // `12 free`, `1 <= 3`: a number where the variable's name should stand.
                if position == startPosition + 1, case .number = start.kind {
                    position = startPosition
                    throw nameExpected()
                }
                throw fail(current, "expected <=, >= or = after a bound value")
            }
            let col = try boundName()
            try apply(op: op, value: first, to: col, valueFirst: true, at: start)
            if let op2 = relation() {
                guard let second = try boundValue() else { throw fail(current, "expected a bound value") }
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
        guard let value = try boundValue() else { throw fail(current, "expected a bound value") }
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
        let col = try boundName()
        builder.isInteger[col] = true
        if binary {
            builder.columnLower[col] = 0
            builder.columnUpper[col] = 1
        }
    }
}
