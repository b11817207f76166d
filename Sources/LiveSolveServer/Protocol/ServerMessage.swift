import LiveSolveModel
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Encodes what the server sends, as compact JSON text.
enum ServerMessage {
    /// The wall clock, in Unix milliseconds.
    static func unixMillis() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    static func reply(_ type: String, id: EchoedID?, model: String? = nil, extra: [(key: String, value: JSON)] = []) -> String {
        var out = #"{"type":"#
        JSONWriter.appendQuoted(type, to: &out)
        if let id {
            out += #","id":"#
            out += id.json
        }
        var members = extra
        if let model { members.insert(("model", .string(model)), at: 0) }
        for (key, value) in members {
            out += ","
            JSONWriter.appendQuoted(key, to: &out)
            out += ":"
            out += JSONWriter.string(value)
        }
        out += "}"
        return out
    }

    /// `reply("ack", …)` written directly: it is on every update's path.
    static func ack(id: EchoedID?, model: String, seq: Int) -> String {
        var out = #"{"type":"ack""#
        if let id {
            out += #","id":"#
            out += id.json
        }
        out += #","model":"#
        JSONWriter.appendQuoted(model, to: &out)
        out += #","seq":\#(seq)}"#
        return out
    }

    static func error(_ error: RequestError, id: EchoedID?) -> String {
        reply("error", id: id, model: error.model, extra: [("code", .string(error.code.rawValue)), ("message", .string(error.message))])
    }

    /// A solution message. `maps` holds, per subscribed field, the entries to send; nil when
    /// the version has no solution to show.
    static func solution(model: ModelRecord, version: SolutionVersion, full: Bool, id: EchoedID?,
                         maps: [(SolutionField, FieldEntries)]?) -> ByteBuffer {
        // Sized once, not grown through every write.
        var out = MessageWriter(capacity: 256 + (maps?.reduce(0) { $0 + $1.1.count * ($1.0.isBand ? 64 : 32) } ?? 0))
        out.write(#"{"type":"solution""#)
        if let id {
            out.write(#","id":"#)
            out.write(id.json)
        }
        out.write(#","model":"#)
        out.write(quoted: model.id)
        out.write(#","seq":"#)
        out.write(version.seq)
        out.write(#","full":"#)
        out.write(full)
        if let mip = version.mip {
            out.write(#","final":"#)
            out.write(mip.isFinal)
        }
        out.write(#","status":""#)
        out.write(version.status.rawValue)
        out.write("\"")
        if let message = version.message {
            out.write(#","message":"#)
            out.write(quoted: message)
        }
        if let maps {
            out.write(#","objective":"#)
            out.write(number: version.objective)
            if let mip = version.mip, mip.bound.isFinite {
                out.write(#","bound":"#)
                out.write(number: mip.bound)
                out.write(#","gap":"#)
                out.write(number: mip.gap(objective: version.objective))
            }
            // An integer model has no duals or reduced costs: subscribing to them is accepted, and they stay absent.
            for (field, entries) in maps where version.mip == nil || field.isPrimal {
                let names = field == .parameterRanges ? model.model.parameters.names : field.isByColumn ? model.model.columns : model.model.rows
                out.write(",\"")
                out.write(field.rawValue)
                out.write("\":{")
                switch entries {
                case .scalars(let entries):
                    for (k, (index, value)) in entries.enumerated() {
                        if k > 0 { out.write(",") }
                        out.write(quoted: names[index])
                        out.write(":")
                        out.write(number: value)
                    }
                case .bands(let entries):
                    for (k, (index, down, up)) in entries.enumerated() {
                        if k > 0 { out.write(",") }
                        out.write(quoted: names[index])
                        // No band (a row with no active bound) is null; an unbounded side too.
                        guard !down.isNaN else { out.write(":null"); continue }
                        out.write(":[")
                        if down.isFinite { out.write(number: down) } else { out.write("null") }
                        out.write(",")
                        if up.isFinite { out.write(number: up) } else { out.write("null") }
                        out.write("]")
                    }
                }
                out.write("}")
            }
        }
        out.write(#","stats":{"iterations":"#)
        out.write(version.iterations)
        out.write(#","warmStart":"#)
        out.write(version.isWarmStart)
        out.write(#","algorithm":""#)
        out.write(version.algorithm.rawValue)
        out.write(#"","solveMicros":"#)
        out.write(version.solveMicros)
        out.write(#","updatesMerged":"#)
        out.write(version.updatesMerged)
        // How old what it shows is, as it is written: the same clock the update's receipt read.
        let now = NIODeadline.now().uptimeNanoseconds
        out.write(#","inputAgeMicros":"#)
        out.write(Int((now &- min(now, version.freshness.newestUpdate.nanoseconds)) / 1000))
        out.write(#","queuedMicros":"#)
        out.write(version.freshness.queuedMicros)
        out.write(#","publishedAt":"#)
        out.write(unixMillis())
        if let mip = version.mip {
            out.write(#","nodes":"#)
            out.write(mip.nodes)
            out.write(#","incumbents":"#)
            out.write(mip.incumbents)
        }
        out.write("}}")
        return out.buffer
    }
}
