/// Writes a model as the canonical JSON model document of PROTOCOL.md: the form
/// `JSONModelReader` reads back to an equal model. Numbers a parameter drives are
/// written as that parameter (with its scale when it is not 1).
public enum JSONModelWriter {
    public static func document(_ model: Model) -> JSON {
        let program = model.program
        let parameters = model.parameters

        func value(_ number: Double, at site: BindingSite) -> JSON {
            guard let binding = parameters.bindings[site] else { return .number(number) }
            let name = JSON.string(parameters.names[binding.parameter])
            return binding.scale == 1 ? name : .object([("param", name), ("scale", .number(binding.scale))])
        }
        func bound(_ number: Double, at site: BindingSite) -> JSON {
            parameters.bindings[site] == nil && number.isInfinite ? .null : value(number, at: site)
        }

        var variables: [JSON] = []
        var objectiveTerms: [(key: String, value: JSON)] = []
        var rowTerms = [[(key: String, value: JSON)]](repeating: [], count: model.rowCount)
        for col in 0..<model.columnCount {
            let name = model.columns[col]
            var fields: [(key: String, value: JSON)] = [
                ("name", .string(name)),
                ("lower", bound(program.columnLower[col], at: .columnLower(col))),
                ("upper", bound(program.columnUpper[col], at: .columnUpper(col))),
            ]
            if program.isInteger[col] { fields.append(("integer", .bool(true))) }
            variables.append(.object(fields))
            if program.objective[col] != 0 || parameters.bindings[.objective(col: col)] != nil {
                objectiveTerms.append((name, value(program.objective[col], at: .objective(col: col))))
            }
            for (row, coefficient) in program.matrix.column(col) {
                rowTerms[Int(row)].append((name, value(coefficient, at: .coefficient(row: Int(row), col: col))))
            }
        }
        var constraints: [JSON] = []
        for row in 0..<model.rowCount {
            var fields: [(key: String, value: JSON)] = [("name", .string(model.rows[row])), ("terms", .object(rowTerms[row]))]
            if program.rowLower[row] != -.infinity || parameters.bindings[.rowLower(row)] != nil {
                fields.append(("lower", value(program.rowLower[row], at: .rowLower(row))))
            }
            if program.rowUpper[row] != .infinity || parameters.bindings[.rowUpper(row)] != nil {
                fields.append(("upper", value(program.rowUpper[row], at: .rowUpper(row))))
            }
            constraints.append(.object(fields))
        }
        let parameterValues = (0..<parameters.count).map { (key: parameters.names[$0], value: JSON.number(parameters.values[$0])) }
        return .object([
            ("name", .string(model.name)),
            ("sense", .string(program.sense.rawValue)),
            ("parameters", .object(parameterValues)),
            ("variables", .array(variables)),
            ("objective", .object([
                ("constant", value(program.objectiveConstant, at: .objectiveConstant)),
                ("terms", .object(objectiveTerms)),
            ])),
            ("constraints", .array(constraints)),
        ])
    }

    public static func write(_ model: Model) -> String {
        JSONWriter.string(document(model))
    }
}
