import LiveSolveModel

extension RequestEcho {
    /// The `id` and `model` of a message that is not valid JSON (a literal `NaN`, a truncated
    /// object), as far as they can be read from its text: the first top-level `"id"` whose value
    /// is a whole string or number, and the first top-level `"model"` whose value is a string.
    /// PROTOCOL.md asks every error to echo them; a client matching replies by id needs it most
    /// when its message was broken.
    static func recovered(from text: String) -> RequestEcho {
        let bytes = Array(text.utf8)
        var echo = RequestEcho()
        var depth = 0, i = 0
        while i < bytes.count, echo.id == nil || echo.model == nil {
            switch bytes[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; i += 1
            case UInt8(ascii: "\""):
                let end = stringEnd(bytes, from: i)
                let key = String(decoding: bytes[i..<end], as: UTF8.self)
                i = end
                guard depth == 1, key == #""id""# || key == #""model""# else { continue }
                var j = skipSpace(bytes, from: i)
                guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else { continue }
                j = skipSpace(bytes, from: j + 1)
                var valueEnd = j
                if j < bytes.count, bytes[j] == UInt8(ascii: "\"") {
                    valueEnd = stringEnd(bytes, from: j)
                } else {
                    while valueEnd < bytes.count, "+-.0123456789eE".utf8.contains(bytes[valueEnd]) { valueEnd += 1 }
                }
                let valueText = String(decoding: bytes[j..<valueEnd], as: UTF8.self)
                switch (key, try? JSONParser.parse(valueText)) {
                case (#""id""#, .string?), (#""id""#, .number?): if echo.id == nil { echo.id = EchoedID(json: valueText) }
                case (#""model""#, .string(let model)?): if echo.model == nil { echo.model = model }
                default: break
                }
                i = valueEnd
            default: i += 1
            }
        }
        return echo
    }

    /// The first byte at or after `start` that is not JSON whitespace.
    private static func skipSpace(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i
    }

    /// Where the JSON string starting at `start` (its opening quote) ends: past its closing quote,
    /// or at the end of the text.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return bytes.count
    }
}
