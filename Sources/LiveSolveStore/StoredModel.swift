/// A model as the store brings it back: its document as created and its updates since, in seq order.
public struct StoredModel: Sendable, Equatable {
    public var number: UInt32
    public var name: String
    public var document: String
    public var updates: [(seq: Int, message: String)]

    public init(number: UInt32, name: String, document: String, updates: [(seq: Int, message: String)]) {
        (self.number, self.name, self.document, self.updates) = (number, name, document, updates)
    }

    public static func == (a: StoredModel, b: StoredModel) -> Bool {
        a.number == b.number && a.name == b.name && a.document == b.document
            && a.updates.map(\.seq) == b.updates.map(\.seq) && a.updates.map(\.message) == b.updates.map(\.message)
    }
}
