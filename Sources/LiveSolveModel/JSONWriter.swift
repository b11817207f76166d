/// Writes compact JSON. Doubles use Swift's shortest round-trip form, so every
/// number reads back to the same double; integral values print without ".0".
public struct JSONWriter {
    public private(set) var text = ""

    public init() {}

    public static func string(_ value: JSON) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return writer.text
    }

    public mutating func write(_ value: JSON) {
        switch value {
        case .null: text += "null"
        case .bool(let b): text += b ? "true" : "false"
        case .number(let n): text += Self.number(n)
        case .string(let s): Self.appendQuoted(s, to: &text)
        case .array(let elements):
            text += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { text += "," }
                write(element)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { text += "," }
                Self.appendQuoted(member.key, to: &text)
                text += ":"
                write(member.value)
            }
            text += "}"
        }
    }

    /// A finite double as JSON text; non-finite values have no JSON form and become null.
    public static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 {
            return n == 0 && n.sign == .minus ? "-0" : String(Int64(n))
        }
        return n.description
    }

    /// Whether `s` has a character JSON must escape; most names and keys have none.
    public static func needsEscaping(_ s: String) -> Bool {
        s.utf8.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }
    }

    public static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        // Most strings (names, keys) need no escaping: append them whole.
        if !needsEscaping(s) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    public static func quoted(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }
}
