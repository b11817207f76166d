/// A model as the store brings it back: its newest snapshot (or its document as created, at
/// seq 0) and the updates logged since, in seq order.
public struct StoredModel: Sendable, Equatable {
    public var number: UInt32
    public var name: String
    public var document: String
    /// The seq `document` is at.
    public var seq: Int
    /// The basis of the snapshot's newest solve, to start the first solve warm.
    public var basis: [UInt8]?
    public var updates: [(seq: Int, message: String)]
    /// The model this fork follows, and the entries it set itself (JSON): nil for any other.
    public var parent: UInt32?
    public var overrides: String?

    public init(number: UInt32, name: String, document: String, seq: Int = 0, basis: [UInt8]? = nil, updates: [(seq: Int, message: String)]) {
        (self.number, self.name, self.document, self.seq, self.basis, self.updates) = (number, name, document, seq, basis, updates)
    }

    public static func == (a: StoredModel, b: StoredModel) -> Bool {
        a.number == b.number && a.name == b.name && a.document == b.document && a.seq == b.seq && a.basis == b.basis
            && a.parent == b.parent && a.overrides == b.overrides
            && a.updates.map(\.seq) == b.updates.map(\.seq) && a.updates.map(\.message) == b.updates.map(\.message)
    }
}
