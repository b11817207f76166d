/// One token of CPLEX LP text, with where it starts.
struct LPToken {
    enum Kind: Equatable { case number(Double), word(String), plus, minus, less, greater, equal, colon }
    var kind: Kind
    /// The token as written (`2.5e1`, `x1`, `<=`), for error messages.
    var text: Substring
    var line: Int
    var column: Int
    /// True for the first token on its line: section keywords are only recognised there.
    var startsLine: Bool
    /// True for a word written straight after a number (`x` in `3x`): that number is its coefficient.
    var isGlued: Bool
}

/// Splits LP text into tokens by the CPLEX LP rules.
///
/// A name starts with a letter or one of ``LPLexer/nameStartSymbols`` and may go on with
/// digits and `.`; as an extension it may also contain `[` and `]` after its first character
/// (`x[1]`, as JSON models name things). A name cannot begin with a digit or a period, so a
/// number glued to a name is its coefficient: `3x` is 3·x, `2.5x1` is 2.5·x1, `1e1x` is 10·x.
/// `\` starts a comment to the end of the line.
struct LPLexer {
    /// The symbols CPLEX allows at the start of a name, besides letters.
    static let nameStartSymbols = Set(##"!"#$%&()/,;?@_`'{}|~"##.utf8)

    static func isNameStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b >= 0x80 || nameStartSymbols.contains(b)
    }

    static func isNameCharacter(_ b: UInt8) -> Bool {
        isNameStart(b) || isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func tokens(_ text: String) throws(ModelError) -> [LPToken] {
        let utf8 = text.utf8
        let bytes = Array(utf8)
        var tokens: [LPToken] = []
        var i = 0, line = 1, lineStart = 0, firstOnLine = true
        var lastEnd = -1
        var lastWasNumber = false

        func substring(_ start: Int, _ end: Int) -> Substring {
            text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
        }
        func nameRun(from start: Int) -> Int {
            var end = start
            while end < bytes.count, isNameCharacter(bytes[end]) { end += 1 }
            return max(end, start + 1)
        }
        func fail(_ column: Int, _ reason: String) -> ModelError {
            ModelError(.invalidModel, at: "line \(line), column \(column)", reason)
        }

        while i < bytes.count {
            let b = bytes[i]
            let start = i
            let column = i - lineStart + 1
            func add(_ kind: LPToken.Kind, to end: Int) {
                let isGlued: Bool
                if case .word = kind { isGlued = lastWasNumber && lastEnd == start } else { isGlued = false }
                tokens.append(LPToken(kind: kind, text: substring(start, end), line: line, column: column,
                                      startsLine: firstOnLine, isGlued: isGlued))
                firstOnLine = false
                lastWasNumber = if case .number = kind { true } else { false }
                lastEnd = end
                i = end
            }
            switch b {
            case 0x0A:
                line += 1; i += 1; lineStart = i; firstOnLine = true
            case 0x20, 0x09, 0x0D:
                i += 1
            case UInt8(ascii: "\\"):
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "+"): add(.plus, to: i + 1)
            case UInt8(ascii: "-"): add(.minus, to: i + 1)
            case UInt8(ascii: ":"): add(.colon, to: i + 1)
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="):
                // <, <=, =<, >, >=, =>, = (and ==) all read as one operator.
                var j = i + 1
                if j < bytes.count, bytes[j] == UInt8(ascii: "=") || (b == UInt8(ascii: "=") && (bytes[j] == UInt8(ascii: "<") || bytes[j] == UInt8(ascii: ">"))) { j += 1 }
                switch String(decoding: bytes[i..<j], as: UTF8.self) {
                case "<", "<=", "=<": add(.less, to: j)
                case ">", ">=", "=>": add(.greater, to: j)
                default: add(.equal, to: j)
                }
            case _ where isDigit(b) || b == UInt8(ascii: "."):
                let end = numberEnd(bytes, from: i)
                guard end > i else {
                    throw fail(column, "a name may not begin with a period: \"\(substring(i, nameRun(from: i)))\" (rename it)")
                }
                guard let value = parseNumber(bytes[i..<end]),
                      end == bytes.count || !(isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".")) else {
                    throw fail(column, "malformed number \"\(substring(i, nameRun(from: i)))\"")
                }
                add(.number(value), to: end)
            case _ where isNameStart(b):
                let end = nameRun(from: i)
                add(.word(String(substring(i, end))), to: end)
            case UInt8(ascii: "["):
                throw fail(column, "quadratic terms (\"[ ... ]\") are not supported: LiveSolve solves linear models")
            default:
                let character = substring(i, i + 1).first.map { String($0) } ?? "?"
                throw fail(column, "unexpected character \"\(character)\"")
            }
        }
        return tokens
    }

    /// Where the number starting at `start` ends: digits, an optional fraction, and an exponent
    /// only when digits follow its `e` (so `2ex` is 2·ex and `1e1x` is 10·x). `start` when no digit.
    static func numberEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start, digits = 0
        while i < bytes.count, isDigit(bytes[i]) { i += 1; digits += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return start }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, isDigit(bytes[j]) {
                while j < bytes.count, isDigit(bytes[j]) { j += 1 }
                i = j
            }
        }
        return i
    }
}
