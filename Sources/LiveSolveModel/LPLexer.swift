/// One token of CPLEX LP text, with where it starts.
struct LPToken {
    enum Kind: Equatable { case number(Double), word(String), plus, minus, less, greater, equal, colon }
    var kind: Kind
    var line: Int
    var column: Int
    /// True for the first token on its line: section keywords are only recognised there.
    var startsLine: Bool
}

/// Splits LP text into tokens. A word runs until whitespace or one of `+ - < > = : \`;
/// a word that is wholly a number is a number (so a coefficient and its variable are
/// separated by a space, and names may start with a digit, as Netlib's do).
/// `\` starts a comment to the end of the line.
struct LPLexer {
    static func tokens(_ text: String) throws(ModelError) -> [LPToken] {
        let bytes = Array(text.utf8)
        var tokens: [LPToken] = []
        var i = 0, line = 1, lineStart = 0, firstOnLine = true
        func isDelimiter(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: "\\")
        }
        while i < bytes.count {
            let b = bytes[i]
            let column = i - lineStart + 1
            func add(_ kind: LPToken.Kind) {
                tokens.append(LPToken(kind: kind, line: line, column: column, startsLine: firstOnLine))
                firstOnLine = false
            }
            switch b {
            case 0x0A:
                line += 1; i += 1; lineStart = i; firstOnLine = true
            case 0x20, 0x09, 0x0D:
                i += 1
            case UInt8(ascii: "\\"):
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "+"): add(.plus); i += 1
            case UInt8(ascii: "-"): add(.minus); i += 1
            case UInt8(ascii: ":"): add(.colon); i += 1
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="):
                // <, <=, =<, >, >=, =>, = (and ==) all read as one operator.
                var j = i + 1
                if j < bytes.count, bytes[j] == UInt8(ascii: "=") || (b == UInt8(ascii: "=") && (bytes[j] == UInt8(ascii: "<") || bytes[j] == UInt8(ascii: ">"))) { j += 1 }
                let op = String(decoding: bytes[i..<j], as: UTF8.self)
                switch op {
                case "<", "<=", "=<": add(.less)
                case ">", ">=", "=>": add(.greater)
                default: add(.equal)
                }
                i = j
            default:
                let start = i
                let numeric = (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".")
                while i < bytes.count, !isDelimiter(bytes[i]) {
                    i += 1
                    // Keep an exponent's sign inside a number: 1e-05, 2.5E+3.
                    if numeric, i + 1 < bytes.count, bytes[i - 1] | 0x20 == UInt8(ascii: "e"),
                       bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"),
                       bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 {
                        i += 1
                    }
                }
                if numeric, let value = parseNumber(bytes[start..<i]) {
                    add(.number(value))
                } else {
                    add(.word(String(decoding: bytes[start..<i], as: UTF8.self)))
                }
            }
        }
        return tokens
    }
}
