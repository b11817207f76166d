/// Turns the `update` object of PROTOCOL.md into a `ModelDelta` for one model, validating it
/// whole: the first bad name or value throws, and nothing is returned to apply.
///
/// Fields: `parameters`, `objective`, `rowBounds`, `colBounds`, `coefficients`; other keys
/// (the envelope's `op`, `id`, `model`) are the caller's to check and are ignored here.
public struct UpdateResolver {
    public let model: Model
    /// Whether `key` is one of the update fields this resolver reads.
    public static func isField(_ key: String) -> Bool {
        switch key {
        case "parameters", "objective", "rowBounds", "colBounds", "coefficients": true
        default: false
        }
    }

    public init(model: Model) { self.model = model }

    public func resolve(_ update: JSON) throws(ModelError) -> ModelDelta {
        guard case .object = update else { throw ModelError(.badMessage, at: "", "an update must be a JSON object") }
        var delta = ModelDelta()
        var entries = 0
        if let json = update["parameters"] { entries += try parameters(json, into: &delta) }
        if let json = update["objective"] { entries += try objective(json, into: &delta) }
        if let json = update["rowBounds"] { entries += try bounds(json, field: "rowBounds", into: &delta) }
        if let json = update["colBounds"] { entries += try bounds(json, field: "colBounds", into: &delta) }
        if let json = update["coefficients"] { entries += try coefficients(json, into: &delta) }
        guard entries > 0 else {
            throw ModelError(.badMessage, at: "", "an update needs at least one entry in parameters, objective, rowBounds, colBounds or coefficients")
        }
        try checkBoundOrder(delta)
        return delta
    }

    // MARK: fields

    private func object(_ json: JSON, field: String) throws(ModelError) -> [(key: String, value: JSON)] {
        guard case .object(let members) = json else { throw ModelError(.badMessage, at: field, "expected an object, found \(json.typeName)") }
        return members
    }

    /// A finite number, or `invalid_value` naming where.
    // Paths and descriptions are autoclosures: an update that is fine builds no error text.
    private func number(_ json: JSON, at path: @autoclosure () -> String) throws(ModelError) -> Double {
        guard case .number(let n) = json else { throw ModelError(.invalidValue, at: path(), "expected a finite number, found \(json.typeName)") }
        guard n.isFinite else { throw ModelError(.invalidValue, at: path(), "number out of range") }
        return n
    }

    private func column(_ name: String, field: @autoclosure () -> String) throws(ModelError) -> Int {
        guard let col = model.columns.index(of: name) else { throw ModelError(.unknownVariable, at: field(), "unknown variable \(JSONWriter.quoted(name))") }
        return col
    }

    private func row(_ name: String, field: @autoclosure () -> String) throws(ModelError) -> Int {
        guard let row = model.rows.index(of: name) else { throw ModelError(.unknownRow, at: field(), "unknown row \(JSONWriter.quoted(name))") }
        return row
    }

    /// Rejects a direct write to a number a parameter drives.
    private func checkUnbound(_ site: BindingSite, at path: @autoclosure () -> String, what: @autoclosure () -> String) throws(ModelError) {
        if let binding = model.parameters.bindings[site] {
            let name = JSONWriter.quoted(model.parameters.names[binding.parameter])
            throw ModelError(.invalidValue, at: path(), "\(what()) is bound to parameter \(name); update the parameter instead")
        }
    }

    private func parameters(_ json: JSON, into delta: inout ModelDelta) throws(ModelError) -> Int {
        let members = try object(json, field: "parameters")
        for (name, valueJSON) in members {
            guard let parameter = model.parameters.names.index(of: name) else {
                throw ModelError(.unknownParameter, at: "parameters", "unknown parameter \(JSONWriter.quoted(name))")
            }
            let value = try number(valueJSON, at: "parameters[\(JSONWriter.quoted(name))]")
            delta.parameters[Int32(parameter)] = value
        }
        // The numbers each changed parameter drives, from the new values.
        for (parameter, value) in delta.parameters {
            for site in model.parameters.sites[Int(parameter)] {
                let scaled = model.parameters.bindings[site]!.scale * value
                if let reason = SolverRange.problem(scaled, at: site) {
                    let name = JSONWriter.quoted(model.parameters.names[Int(parameter)])
                    throw ModelError(.invalidValue, at: "parameters[\(name)]", "sets \(describe(site)): \(reason)")
                }
                switch site {
                case .objectiveConstant: delta.objectiveConstant = scaled
                case .objective(let col): delta.objective[Int32(col)] = scaled
                case .coefficient(let row, let col): delta.coefficients[MatrixEntry(row: Int32(row), col: Int32(col))] = scaled
                case .rowLower(let row): delta.rowLower[Int32(row)] = scaled
                case .rowUpper(let row): delta.rowUpper[Int32(row)] = scaled
                case .columnLower(let col): delta.columnLower[Int32(col)] = scaled
                case .columnUpper(let col): delta.columnUpper[Int32(col)] = scaled
                }
            }
        }
        return members.count
    }

    private func objective(_ json: JSON, into delta: inout ModelDelta) throws(ModelError) -> Int {
        let members = try object(json, field: "objective")
        for (name, valueJSON) in members {
            let col = try column(name, field: "objective")
            func path() -> String { "objective[\(JSONWriter.quoted(name))]" }
            let site = BindingSite.objective(col: col)
            try checkUnbound(site, at: path(), what: "the objective coefficient of \(JSONWriter.quoted(name))")
            let value = try number(valueJSON, at: path())
            try checkRange(value, at: site, path: path())
            delta.objective[Int32(col)] = value
        }
        return members.count
    }

    private func bounds(_ json: JSON, field: String, into delta: inout ModelDelta) throws(ModelError) -> Int {
        let isRow = field == "rowBounds"
        let members = try object(json, field: field)
        for (name, boundsJSON) in members {
            let index = isRow ? try row(name, field: field) : try column(name, field: field)
            func path() -> String { "\(field)[\(JSONWriter.quoted(name))]" }
            var lower: JSON?, upper: JSON?
            switch boundsJSON {
            case .array(let pair) where pair.count == 2:
                (lower, upper) = (pair[0], pair[1])
            case .object(let sides):
                for (side, value) in sides {
                    switch side {
                    case "lower": lower = value
                    case "upper": upper = value
                    default: throw ModelError(.invalidValue, at: path(), "unknown bound side \(JSONWriter.quoted(side)) (expected \"lower\" or \"upper\")")
                    }
                }
            default:
                throw ModelError(.invalidValue, at: path(), "expected [lower, upper] or {\"lower\", \"upper\"}, found \(boundsJSON.typeName)")
            }
            func what() -> String { isRow ? "row \(JSONWriter.quoted(name))" : "variable \(JSONWriter.quoted(name))" }
            if let lower {
                let site: BindingSite = isRow ? .rowLower(index) : .columnLower(index)
                try checkUnbound(site, at: path(), what: "the lower bound of \(what())")
                let value = try bound(lower, infinity: -.infinity, at: "\(path()).lower")
                try checkRange(value, at: site, path: "\(path()).lower")
                if isRow { delta.rowLower[Int32(index)] = value } else { delta.columnLower[Int32(index)] = value }
            }
            if let upper {
                let site: BindingSite = isRow ? .rowUpper(index) : .columnUpper(index)
                try checkUnbound(site, at: path(), what: "the upper bound of \(what())")
                let value = try bound(upper, infinity: .infinity, at: "\(path()).upper")
                try checkRange(value, at: site, path: "\(path()).upper")
                if isRow { delta.rowUpper[Int32(index)] = value } else { delta.columnUpper[Int32(index)] = value }
            }
        }
        return members.count
    }

    private func bound(_ json: JSON, infinity: Double, at path: @autoclosure () -> String) throws(ModelError) -> Double {
        if case .null = json { return infinity }
        return try number(json, at: path())
    }

    private func coefficients(_ json: JSON, into delta: inout ModelDelta) throws(ModelError) -> Int {
        guard case .array(let entries) = json else { throw ModelError(.badMessage, at: "coefficients", "expected an array, found \(json.typeName)") }
        for (i, entry) in entries.enumerated() {
            func path() -> String { "coefficients[\(i)]" }
            guard case .object(let fields) = entry else { throw ModelError(.invalidValue, at: path(), "expected {\"row\", \"col\", \"value\"}, found \(entry.typeName)") }
            for field in fields where !["row", "col", "value"].contains(field.key) {
                throw ModelError(.invalidValue, at: path(), "unknown field \(JSONWriter.quoted(field.key))")
            }
            guard case .string(let rowName)? = entry["row"] else { throw ModelError(.invalidValue, at: "\(path()).row", "expected a row name") }
            guard case .string(let colName)? = entry["col"] else { throw ModelError(.invalidValue, at: "\(path()).col", "expected a variable name") }
            guard let valueJSON = entry["value"] else { throw ModelError(.invalidValue, at: "\(path()).value", "expected a value") }
            let row = try row(rowName, field: "\(path()).row")
            let col = try column(colName, field: "\(path()).col")
            let site = BindingSite.coefficient(row: row, col: col)
            try checkUnbound(site, at: path(), what: "the coefficient of \(JSONWriter.quoted(colName)) in \(JSONWriter.quoted(rowName))")
            let value = try number(valueJSON, at: "\(path()).value")
            try checkRange(value, at: site, path: "\(path()).value")
            delta.coefficients[MatrixEntry(row: Int32(row), col: Int32(col))] = value
        }
        return entries.count
    }

    /// A number written directly that the solver cannot take (`SolverRange`) is `invalid_value` at `path`.
    private func checkRange(_ value: Double, at site: BindingSite, path: @autoclosure () -> String) throws(ModelError) {
        if let reason = SolverRange.problem(value, at: site) { throw ModelError(.invalidValue, at: path(), reason) }
    }

    /// A number a parameter drives, in words: `the objective coefficient of "x"`.
    private func describe(_ site: BindingSite) -> String {
        func column(_ c: Int) -> String { JSONWriter.quoted(model.columns[c]) }
        func row(_ r: Int) -> String { JSONWriter.quoted(model.rows[r]) }
        return switch site {
        case .objectiveConstant: "the objective constant"
        case .objective(let c): "the objective coefficient of \(column(c))"
        case .coefficient(let r, let c): "the coefficient of \(column(c)) in \(row(r))"
        case .rowLower(let r): "the lower bound of row \(row(r))"
        case .rowUpper(let r): "the upper bound of row \(row(r))"
        case .columnLower(let c): "the lower bound of variable \(column(c))"
        case .columnUpper(let c): "the upper bound of variable \(column(c))"
        }
    }

    /// Literal bounds must not cross after the update; bounds a parameter drives may (that is infeasible, not invalid).
    private func checkBoundOrder(_ delta: ModelDelta) throws(ModelError) {
        let program = model.program
        let parameters = model.parameters
        for row in Set(delta.rowLower.keys).union(delta.rowUpper.keys) {
            let r = Int(row)
            guard parameters.bindings[.rowLower(r)] == nil, parameters.bindings[.rowUpper(r)] == nil else { continue }
            let lower = delta.rowLower[row] ?? program.rowLower[r], upper = delta.rowUpper[row] ?? program.rowUpper[r]
            if lower > upper {
                throw ModelError(.invalidValue, at: "rowBounds[\(JSONWriter.quoted(model.rows[r]))]", "lower bound \(JSONWriter.number(lower)) exceeds upper bound \(JSONWriter.number(upper))")
            }
        }
        for col in Set(delta.columnLower.keys).union(delta.columnUpper.keys) {
            let c = Int(col)
            guard parameters.bindings[.columnLower(c)] == nil, parameters.bindings[.columnUpper(c)] == nil else { continue }
            let lower = delta.columnLower[col] ?? program.columnLower[c], upper = delta.columnUpper[col] ?? program.columnUpper[c]
            if lower > upper {
                throw ModelError(.invalidValue, at: "colBounds[\(JSONWriter.quoted(model.columns[c]))]", "lower bound \(JSONWriter.number(lower)) exceeds upper bound \(JSONWriter.number(upper))")
            }
        }
    }
}
