/// Reads the JSON model document of PROTOCOL.md into a `Model`.
///
/// Every error is `invalid_model` and names the JSON path of the offending item,
/// e.g. `constraints[3].terms["x[9]"]: unknown variable "x[9]"`.
public enum JSONModelReader {
    public static func read(_ text: String) throws(ModelError) -> Model {
        let json: JSON
        do { json = try JSONParser.parse(text) } catch {
            throw ModelError(.invalidModel, at: "line \(error.line), column \(error.column)", error.reason)
        }
        return try read(json)
    }

    public static func read(_ document: JSON) throws(ModelError) -> Model {
        var reader = Reader()
        try reader.read(document)
        return try reader.builder.build()
    }
}

private struct Reader {
    var builder = ModelBuilder()

    func fail(_ path: String, _ reason: String) -> ModelError { ModelError(.invalidModel, at: path, reason) }

    func members(_ json: JSON, at path: String, allowed: Set<String>) throws(ModelError) -> [(key: String, value: JSON)] {
        guard case .object(let members) = json else { throw fail(path, "expected an object, found \(json.typeName)") }
        for member in members where !allowed.contains(member.key) {
            throw fail(path.isEmpty ? member.key : "\(path).\(member.key)", "unknown field \(JSONWriter.quoted(member.key))")
        }
        return members
    }

    mutating func read(_ document: JSON) throws(ModelError) {
        let allowed: Set = ["name", "sense", "parameters", "variables", "objective", "constraints"]
        let top = try members(document, at: "", allowed: allowed)
        // Parameters first: values anywhere may name them, whatever the key order.
        if let parameters = document["parameters"] { try readParameters(parameters) }
        for member in top {
            switch member.key {
            case "name":
                guard case .string(let name) = member.value else { throw fail("name", "expected a string, found \(member.value.typeName)") }
                builder.name = name
            case "sense":
                switch member.value {
                case .string("min"): builder.sense = .min
                case .string("max"): builder.sense = .max
                default: throw fail("sense", "expected \"min\" or \"max\"")
                }
            default: break
            }
        }
        if let variables = document["variables"] { try readVariables(variables) }
        if let objective = document["objective"] { try readObjective(objective) }
        if let constraints = document["constraints"] { try readConstraints(constraints) }
    }

    mutating func readParameters(_ json: JSON) throws(ModelError) {
        guard case .object(let members) = json else { throw fail("parameters", "expected an object, found \(json.typeName)") }
        for (name, value) in members {
            let path = "parameters[\(JSONWriter.quoted(name))]"
            guard case .number(let number) = value, number.isFinite else { throw fail(path, "expected a finite number, found \(value.typeName)") }
            guard builder.parameters.add(name, value: number) != nil else { throw fail(path, "duplicate parameter \(JSONWriter.quoted(name))") }
        }
    }

    func array(_ json: JSON, at path: String) throws(ModelError) -> [JSON] {
        guard case .array(let elements) = json else { throw fail(path, "expected an array, found \(json.typeName)") }
        return elements
    }

    /// A value: a finite number, a parameter name, or `{ "param": NAME, "scale": NUMBER }`.
    /// Returns the number it stands for now, and its binding if it names a parameter.
    func value(_ json: JSON, at path: String) throws(ModelError) -> (Double, Binding?) {
        switch json {
        case .number(let n):
            guard n.isFinite else { throw fail(path, "number out of range") }
            return (n, nil)
        case .string(let name):
            return try bound(name, scale: 1, at: path)
        case .object:
            let fields = try members(json, at: path, allowed: ["param", "scale"])
            guard case .string(let name)? = json["param"] else {
                throw fail(fields.contains { $0.key == "param" } ? "\(path).param" : path, "expected \"param\": a parameter name")
            }
            var scale = 1.0
            if let s = json["scale"] {
                guard case .number(let n) = s, n.isFinite else { throw fail("\(path).scale", "expected a finite number, found \(s.typeName)") }
                scale = n
            }
            return try bound(name, scale: scale, at: path)
        default:
            throw fail(path, "expected a number, a parameter name or {\"param\", \"scale\"}, found \(json.typeName)")
        }
    }

    func bound(_ name: String, scale: Double, at path: String) throws(ModelError) -> (Double, Binding?) {
        guard let index = builder.parameters.names.index(of: name) else { throw fail(path, "unknown parameter \(JSONWriter.quoted(name))") }
        return (scale * builder.parameters.values[index], Binding(parameter: index, scale: scale))
    }

    /// A bound: absent → `absent`, null → `null`, otherwise a value.
    func boundValue(_ json: JSON?, at path: String, absent: Double, null: Double) throws(ModelError) -> (Double, Binding?) {
        guard let json else { return (absent, nil) }
        if case .null = json { return (null, nil) }
        return try value(json, at: path)
    }

    mutating func bind(_ site: BindingSite, _ binding: Binding?) {
        if let binding { builder.parameters.bind(site, to: binding) }
    }

    mutating func readVariables(_ json: JSON) throws(ModelError) {
        for (i, variable) in try array(json, at: "variables").enumerated() {
            let path = "variables[\(i)]"
            _ = try members(variable, at: path, allowed: ["name", "lower", "upper", "integer"])
            guard case .string(let name)? = variable["name"] else { throw fail("\(path).name", "expected a string name") }
            guard let col = builder.addColumn(name) else { throw fail("\(path).name", "duplicate variable \(JSONWriter.quoted(name))") }
            let (lower, lowerBinding) = try boundValue(variable["lower"], at: "\(path).lower", absent: 0, null: -.infinity)
            let (upper, upperBinding) = try boundValue(variable["upper"], at: "\(path).upper", absent: .infinity, null: .infinity)
            if lowerBinding == nil, upperBinding == nil, lower > upper {
                throw fail("\(path).lower", "lower bound \(JSONWriter.number(lower)) exceeds upper bound \(JSONWriter.number(upper))")
            }
            builder.columnLower[col] = lower
            builder.columnUpper[col] = upper
            bind(.columnLower(col), lowerBinding)
            bind(.columnUpper(col), upperBinding)
            if let integer = variable["integer"] {
                guard case .bool(let flag) = integer else { throw fail("\(path).integer", "expected a boolean, found \(integer.typeName)") }
                builder.isInteger[col] = flag
            }
        }
    }

    func terms(_ json: JSON, at path: String) throws(ModelError) -> [(key: String, value: JSON)] {
        guard case .object(let members) = json else { throw fail(path, "expected an object, found \(json.typeName)") }
        return members
    }

    func variable(_ name: String, at path: String) throws(ModelError) -> Int {
        guard let col = builder.columns.index(of: name) else { throw fail(path, "unknown variable \(JSONWriter.quoted(name))") }
        return col
    }

    mutating func readObjective(_ json: JSON) throws(ModelError) {
        _ = try members(json, at: "objective", allowed: ["constant", "terms"])
        if let constant = json["constant"] {
            let (number, binding) = try value(constant, at: "objective.constant")
            builder.objectiveConstant = number
            bind(.objectiveConstant, binding)
        }
        guard let termsJSON = json["terms"] else { return }
        var seen = Set<Int>()
        for (name, coefficient) in try terms(termsJSON, at: "objective.terms") {
            let path = "objective.terms[\(JSONWriter.quoted(name))]"
            let col = try variable(name, at: path)
            guard seen.insert(col).inserted else { throw fail(path, "duplicate term for variable \(JSONWriter.quoted(name))") }
            let (number, binding) = try value(coefficient, at: path)
            builder.objective[col] = number
            bind(.objective(col: col), binding)
        }
    }

    mutating func readConstraints(_ json: JSON) throws(ModelError) {
        for (i, constraint) in try array(json, at: "constraints").enumerated() {
            let path = "constraints[\(i)]"
            _ = try members(constraint, at: path, allowed: ["name", "terms", "lower", "upper"])
            guard case .string(let name)? = constraint["name"] else { throw fail("\(path).name", "expected a string name") }
            guard let row = builder.addRow(name) else { throw fail("\(path).name", "duplicate constraint \(JSONWriter.quoted(name))") }
            if let termsJSON = constraint["terms"] {
                var seen = Set<Int>()
                for (variableName, coefficient) in try terms(termsJSON, at: "\(path).terms") {
                    let termPath = "\(path).terms[\(JSONWriter.quoted(variableName))]"
                    let col = try variable(variableName, at: termPath)
                    guard seen.insert(col).inserted else { throw fail(termPath, "duplicate term for variable \(JSONWriter.quoted(variableName))") }
                    let (number, binding) = try value(coefficient, at: termPath)
                    // A literal zero is no entry; a zero that a parameter drives is kept, it may move.
                    if number != 0 || binding != nil { builder.addEntry(row: row, col: col, value: number) }
                    bind(.coefficient(row: row, col: col), binding)
                }
            }
            let (lower, lowerBinding) = try boundValue(constraint["lower"], at: "\(path).lower", absent: -.infinity, null: -.infinity)
            let (upper, upperBinding) = try boundValue(constraint["upper"], at: "\(path).upper", absent: .infinity, null: .infinity)
            if lowerBinding == nil, upperBinding == nil, lower > upper {
                throw fail("\(path).lower", "lower bound \(JSONWriter.number(lower)) exceeds upper bound \(JSONWriter.number(upper))")
            }
            builder.rowLower[row] = lower
            builder.rowUpper[row] = upper
            bind(.rowLower(row), lowerBinding)
            bind(.rowUpper(row), upperBinding)
        }
    }
}
