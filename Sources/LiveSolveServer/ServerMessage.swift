import LiveSolveModel

/// Encodes what the server sends, as compact JSON text.
enum ServerMessage {
    static func reply(_ type: String, id: JSON?, model: String? = nil, extra: [(key: String, value: JSON)] = []) -> String {
        var members: [(key: String, value: JSON)] = [("type", .string(type))]
        if let id { members.append(("id", id)) }
        if let model { members.append(("model", .string(model))) }
        members.append(contentsOf: extra)
        return JSONWriter.string(.object(members))
    }

    /// `reply("ack", …)` written directly: it is on every update's path.
    static func ack(id: JSON?, model: String, seq: Int) -> String {
        var out = #"{"type":"ack""#
        if let id {
            out += #","id":"#
            out += JSONWriter.string(id)
        }
        out += #","model":"#
        JSONWriter.appendQuoted(model, to: &out)
        out += #","seq":\#(seq)}"#
        return out
    }

    static func error(_ error: RequestError, id: JSON?) -> String {
        reply("error", id: id, model: error.model, extra: [("code", .string(error.code.rawValue)), ("message", .string(error.message))])
    }

    /// A solution message. `maps` holds, per subscribed field, the (index, value) entries to send;
    /// nil when the version has no solution to show.
    static func solution(model: ModelRecord, version: SolutionVersion, full: Bool, id: JSON?,
                         maps: [(field: SolutionField, entries: [(Int, Double)])]?) -> String {
        var out = "{\"type\":\"solution\""
        // Grown once, not doubling from 16 bytes through every append.
        out.reserveCapacity(256 + (maps?.reduce(0) { $0 + $1.entries.count * 32 } ?? 0))
        if let id {
            out += ",\"id\":"
            out += JSONWriter.string(id)
        }
        out += ",\"model\":"
        JSONWriter.appendQuoted(model.id, to: &out)
        out += ",\"seq\":\(version.seq),\"full\":\(full),\"status\":\"\(version.status.rawValue)\""
        if let message = version.message {
            out += ",\"message\":"
            JSONWriter.appendQuoted(message, to: &out)
        }
        if let maps {
            out += ",\"objective\":" + JSONWriter.number(version.objective)
            for (field, entries) in maps {
                let names = field.isByColumn ? model.model.columns : model.model.rows
                out += ",\"\(field.rawValue)\":{"
                for (k, (index, value)) in entries.enumerated() {
                    if k > 0 { out += "," }
                    JSONWriter.appendQuoted(names[index], to: &out)
                    out += ":" + JSONWriter.number(value)
                }
                out += "}"
            }
        }
        out += ",\"stats\":{\"iterations\":\(version.iterations),\"warmStart\":\(version.isWarmStart),"
        out += "\"algorithm\":\"\(version.algorithm.rawValue)\",\"solveMicros\":\(version.solveMicros),"
        out += "\"updatesMerged\":\(version.updatesMerged)}}"
        return out
    }
}
