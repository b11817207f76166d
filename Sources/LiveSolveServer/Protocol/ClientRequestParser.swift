import LiveSolveModel

enum ClientRequestParser {
    private enum Op: String {
        case create, subscribe, unsubscribe, update, get, ping, auth

        /// The envelope's fields for this op (a switch: this runs for every member of every message).
        func allows(_ key: String) -> Bool {
            switch key {
            case "op", "id": true
            case "model": self != .ping && self != .auth
            case "token": self == .auth
            case "format", "text", "name": self == .create
            case "fields": self == .subscribe || self == .get
            case "deadband": self == .subscribe
            case "seq": self == .get
            default: self == .update && UpdateResolver.isField(key)
            }
        }
    }

    /// A `seq` as a request gives it (`get`, a fork's body): an integer ≥ 0.
    static func seq(_ value: JSON, model: String?) throws(RequestError) -> Int {
        guard case .number(let n) = value, n >= 0, n == n.rounded(), n < 1e15 else {
            throw RequestError(.invalidValue, "seq: expected an integer ≥ 0, found \(JSONWriter.string(value))", model: model)
        }
        return Int(n)
    }

    /// A subscription's `deadband`: a finite number ≥ 0, 0 when absent.
    static func deadband(_ value: JSON?, model: String?) throws(RequestError) -> Double {
        guard let value else { return 0 }
        guard case .number(let d) = value, d >= 0, d.isFinite else {
            throw RequestError(.invalidValue, "deadband: expected a number ≥ 0, found \(JSONWriter.string(value))", model: model)
        }
        return d
    }

    /// Parses one text message. The context is filled in as far as the message allows, so an
    /// error reply can echo `id` and `model`.
    static func parse(_ text: String, context: inout RequestEcho) throws(RequestError) -> ClientRequest {
        let message: JSONParser.Message
        do { message = try JSONParser.parseMessage(text, keepingTextOf: "id") } catch {
            context = RequestEcho.recovered(from: text)
            throw RequestError(.badMessage, "not JSON: \(error)", model: context.model)
        }
        let json = message.value
        guard case .object(let members) = json else { throw RequestError(.badMessage, "a message must be a JSON object, found \(json.typeName)") }
        if let id = json["id"] {
            switch id {
            case .string, .number: context.id = message.keptText.map(EchoedID.init(json:))
            default: throw RequestError(.badMessage, "id: expected a string or a number, found \(id.typeName)")
            }
        }
        if case .string(let model)? = json["model"] { context.model = model }
        // Refused whole, but with its id and model (their first occurrences) echoed.
        if let repeated = message.firstRepeatedKey { throw RequestError(.badMessage, "\(repeated)", model: context.model) }
        guard let opJSON = json["op"] else { throw RequestError(.badMessage, "op: missing") }
        guard case .string(let op) = opJSON else { throw RequestError(.badMessage, "op: expected a string, found \(opJSON.typeName)") }
        guard let kind = Op(rawValue: op) else { throw RequestError(.unknownOp, "op: unknown op \(JSONWriter.quoted(op))", model: context.model) }
        for member in members where !kind.allows(member.key) {
            throw RequestError(.badMessage, "\(member.key): unknown field for op \(JSONWriter.quoted(op))", model: context.model)
        }
        func string(_ key: String) throws(RequestError) -> String? {
            guard let value = json[key] else { return nil }
            guard case .string(let s) = value else {
                throw RequestError(.badMessage, "\(key): expected a string, found \(value.typeName)", model: context.model)
            }
            return s
        }
        func modelID() throws(RequestError) -> String {
            guard let model = try string("model") else { throw RequestError(.badMessage, "model: missing") }
            return model
        }
        switch kind {
        case .create:
            let name = try string("name")
            if let document = json["model"] {
                guard case .object = document else { throw RequestError(.badMessage, "model: expected a model document object, found \(document.typeName)") }
                guard json["format"] == nil, json["text"] == nil else { throw RequestError(.badMessage, "create takes model, or format with text, not both") }
                return .create(source: .document(document), name: name)
            }
            guard let formatName = try string("format"), let text = try string("text") else {
                throw RequestError(.badMessage, "create needs model (a document), or format and text")
            }
            guard let format = ModelFormat(rawValue: formatName), format != .json else {
                throw RequestError(.invalidValue, "format: expected \"lp\" or \"mps\", found \(JSONWriter.quoted(formatName))")
            }
            return .create(source: .text(text, format), name: name)
        case .subscribe:
            return .subscribe(model: try modelID(), fields: try fieldSet(json["fields"], model: context.model),
                              deadband: try deadband(json["deadband"], model: context.model))
        case .get:
            let seq = try json["seq"].map { value throws(RequestError) in try Self.seq(value, model: context.model) }
            return .get(model: try modelID(), fields: try fieldSet(json["fields"], model: context.model), seq: seq)
        case .unsubscribe:
            return .unsubscribe(model: try modelID())
        case .update:
            let model = try modelID()
            // The update fields in document order, so the first ill-typed one is the one reported.
            var fields: [(key: String, value: JSON)] = []
            for (key, value) in members where UpdateResolver.isField(key) {
                let isArray = if case .array = value { true } else { false }
                let isObject = if case .object = value { true } else { false }
                if key == "coefficients" ? !isArray : !isObject {
                    throw RequestError(.badMessage, "\(key): expected \(key == "coefficients" ? "an array" : "an object"), found \(value.typeName)", model: model)
                }
                fields.append((key, value))
            }
            return .update(model: model, update: .object(fields))
        case .ping:
            return .ping
        case .auth:
            guard let token = try string("token"), !token.isEmpty else { throw RequestError(.badMessage, "token: missing") }
            return .auth(token: token)
        }
    }

    static func fieldSet(_ json: JSON?, model: String?) throws(RequestError) -> FieldSet {
        guard let json else { return .values }
        guard case .array(let names) = json else { throw RequestError(.badMessage, "fields: expected an array, found \(json.typeName)", model: model) }
        guard !names.isEmpty else { throw RequestError(.invalidValue, "fields: must not be empty", model: model) }
        var fields: [SolutionField] = []
        for (i, name) in names.enumerated() {
            guard case .string(let s) = name, let field = SolutionField(rawValue: s) else {
                throw RequestError(.invalidValue, "fields[\(i)]: unknown field \(JSONWriter.string(name)) (expected values, duals, reducedCosts, rowActivities, costRanges, rhsRanges or parameterRanges)", model: model)
            }
            fields.append(field)
        }
        return FieldSet(fields)
    }
}
