import Foundation

/// JSON's number grammar (RFC 8259 §6) and the double a number stands for: what `JSONParser`
/// reads, and what readers scanning bytes themselves use to read numbers the same way.
public enum JSONNumber {
    /// Scans the number that starts at `start`: where the scan stopped, and whether the bytes
    /// before that form a number (when not, `end` is where the grammar failed).
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, isValid: Bool) {
        var index = start
        func digitAt(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
        func skipDigits() { while digitAt(index) { index += 1 } }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digitAt(index) else { return (index, false) }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digitAt(index) else { return (index, false) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digitAt(index) else { return (index, false) }
            skipDigits()
        }
        return (index, true)
    }

    /// The value of a number's text: correctly rounded by `strtod`, ±infinity past a double's
    /// range (callers reject those by range, not as syntax).
    public static func value(_ text: UnsafeBufferPointer<UInt8>) -> Double {
        // strtod wants a terminated string: numbers are short, so a copy on the stack.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for (offset, byte) in text.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
            buffer[text.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
