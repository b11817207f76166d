import Foundation

/// A field of a text line: its bytes' range and its 1-based column, for readers that report "line L, column C".
struct Field {
    var start: Int
    var end: Int
    var column: Int
}

/// Line-oriented access to UTF-8 text for the MPS and LP readers.
struct TextLines {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    /// Calls `body` with each line's byte range and 1-based number (without the line break).
    func forEach(_ body: (Range<Int>, Int) throws(ModelError) -> Void) throws(ModelError) {
        var start = 0, number = 1
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            try body(start..<lineEnd, number)
            start = end + 1
            number += 1
        }
    }

    /// Whitespace-separated fields of a line.
    func fields(in line: Range<Int>) -> [Field] {
        var result: [Field] = []
        var i = line.lowerBound
        while i < line.upperBound {
            while i < line.upperBound, isBlank(bytes[i]) { i += 1 }
            guard i < line.upperBound else { break }
            let start = i
            while i < line.upperBound, !isBlank(bytes[i]) { i += 1 }
            result.append(Field(start: start, end: i, column: start - line.lowerBound + 1))
        }
        return result
    }

    func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    func string(_ field: Field) -> String { String(decoding: bytes[field.start..<field.end], as: UTF8.self) }

    /// The field parsed as a finite number, or nil.
    func number(_ field: Field) -> Double? {
        parseNumber(bytes[field.start..<field.end])
    }
}

/// Parses a whole byte run as a number (strtod's syntax, so "1." and ".5" are numbers); nil otherwise.
func parseNumber(_ bytes: ArraySlice<UInt8>) -> Double? {
    guard !bytes.isEmpty, bytes.count < 64 else { return nil }
    var buffer = [CChar](repeating: 0, count: bytes.count + 1)
    for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    // strtod accepts hex, "inf" and "nan"; numbers in model files are decimal only.
    guard bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 })
    else { return nil }
    return buffer.withUnsafeBufferPointer { pointer -> Double? in
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtod(pointer.baseAddress!, &end)
        guard let end, end - UnsafeMutablePointer(mutating: pointer.baseAddress!) == bytes.count else { return nil }
        return value
    }
}
