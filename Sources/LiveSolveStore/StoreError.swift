/// Why the store cannot be opened or written, naming the file.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) { self.description = description }
}
