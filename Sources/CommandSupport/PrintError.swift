#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
public func printError(_ message: String) {
    var stream = StandardError()
    print("livesolve: \(message)", to: &stream)
}

public struct StandardError: TextOutputStream {
    public init() {}

    public mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
