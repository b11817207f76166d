import Foundation

/// Where and why JSON text could not be parsed.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// A strict RFC 8259 parser into `JSON`. Numbers that overflow a double become ±infinity,
/// so callers can reject them as out of range rather than as syntax.
///
/// A key repeated within one object is an error, as I-JSON (RFC 7493) requires: RFC 8259 leaves
/// its meaning open, and here the envelope's lookups would take the first and a map's reader
/// the last, so `{"objective":{…},"objective":{…}}` would lose one of them without a word.
/// Only the first repeat is looked for; objects after it are not checked.
public struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private var firstRepeatedKey: JSONSyntaxError?
    private var keptKey: String?
    private var keptRange: Range<Int>?
    private static let maximumDepth = 512

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSON {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSON {
        let message = try parseMessage(bytes, keepingTextOf: nil)
        if let repeated = message.firstRepeatedKey { throw repeated }
        return message.value
    }

    /// A message parsed for a caller that answers it: repeats kept, and one member's text.
    public struct Message {
        public var value: JSON
        /// Where the first key repeated within one object is; nil when none is. The caller reads
        /// what it needs to answer (a message's `id` and `model`) and then refuses the message.
        public var firstRepeatedKey: JSONSyntaxError?
        /// The named top-level member's value exactly as written (its first occurrence), so it
        /// can be echoed verbatim: `1.50`, `1e3` or an integer past 2^53 as sent.
        public var keptText: String?
    }

    /// Parses text that may repeat a key, keeping every member, and keeps the text of the
    /// top-level member named `keepingTextOf`.
    public static func parseMessage(_ text: String, keepingTextOf key: String?) throws(JSONSyntaxError) -> Message {
        try parseMessage(Array(text.utf8), keepingTextOf: key)
    }

    private static func parseMessage(_ bytes: [UInt8], keepingTextOf key: String?) throws(JSONSyntaxError) -> Message {
        var parser = JSONParser(bytes: bytes)
        parser.keptKey = key
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.error("unexpected text after the JSON value") }
        return Message(value: value, firstRepeatedKey: parser.firstRepeatedKey,
                       keptText: parser.keptRange.map { String(decoding: bytes[$0], as: UTF8.self) })
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// An error at `position` (default: where parsing is).
    private func error(_ reason: String, at position: Int? = nil) -> JSONSyntaxError {
        var line = 1, column = 1
        for byte in bytes[..<min(position ?? index, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSON {
        guard index < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Character(UnicodeScalar(bytes[index])))'")
        }
    }

    private mutating func expect(_ word: String) throws(JSONSyntaxError) {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw error("invalid literal, expected \(word)") }
            index += 1
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth)") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSON {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSON)] = []
        var seen: Set<String>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = index
            let key = try parseString()
            if firstRepeatedKey == nil, Self.repeats(key, in: members, seen: &seen) {
                firstRepeatedKey = error("duplicate key \(JSONWriter.quoted(key))", at: keyStart)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let valueStart = index
            members.append((key, try parseValue()))
            if depth == 1, keptRange == nil, key == keptKey { keptRange = valueStart..<index }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of JSON in an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    /// Whether `key` is already among `members`. Small objects (envelopes, most updates) are
    /// scanned; from 16 members on, a set is kept, so a model's large maps stay linear.
    private static func repeats(_ key: String, in members: [(key: String, value: JSON)], seen: inout Set<String>?) -> Bool {
        if members.count < 16 { return members.contains { $0.key == key } }
        if seen == nil { seen = Set(members.lazy.map(\.key)) }
        return !seen!.insert(key).inserted
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSON {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of JSON in an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        // Most strings (keys, names) have no escapes: one pass, one copy.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard let string = String(validating: bytes[index..<end], as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
            index = end + 1
            return string
        }
        var start = index
        var plain: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                plain.append(contentsOf: bytes[start..<index])
                index += 1
                break
            }
            if byte < 0x20 { throw error("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                plain.append(contentsOf: bytes[start..<index])
                index += 1
                guard index < bytes.count else { throw error("unterminated string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): plain.append(0x22)
                case UInt8(ascii: "\\"): plain.append(0x5C)
                case UInt8(ascii: "/"): plain.append(0x2F)
                case UInt8(ascii: "b"): plain.append(0x08)
                case UInt8(ascii: "f"): plain.append(0x0C)
                case UInt8(ascii: "n"): plain.append(0x0A)
                case UInt8(ascii: "r"): plain.append(0x0D)
                case UInt8(ascii: "t"): plain.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate in a string") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in a string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("unpaired surrogate in a string")
                    }
                    plain.append(contentsOf: Array(String(UnicodeScalar(code)!).utf8))
                default: throw error("invalid escape in a string")
                }
                start = index
                continue
            }
            index += 1
        }
        guard let string = String(validating: plain, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
        return string
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        let (end, isValid) = bytes.withUnsafeBufferPointer { JSONNumber.scan($0, from: start) }
        index = end
        guard isValid else { throw error("invalid number") }
        return bytes.withUnsafeBufferPointer { JSONNumber.value(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}
