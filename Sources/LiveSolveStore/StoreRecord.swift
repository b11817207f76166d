/// One accepted change, as the store logs it.
public enum StoreRecord: Sendable, Equatable {
    /// A model was created: its number, name and canonical JSON document.
    case create(model: UInt32, name: String, document: String)
    /// An update was accepted with this seq: the message's text as the client sent it.
    case update(model: UInt32, seq: Int, at: Int64, message: String)
    case delete(model: UInt32)
    /// The model's whole state at `seq`, its document with its parameter values, and the basis
    /// of its newest solve; log records more than `retain` updates behind it are removed.
    case snapshot(model: UInt32, seq: Int, document: String, basis: [UInt8]?, retain: Int)
    /// A fork follows `parent` (nil: it no longer does), keeping the entries it set itself
    /// (`overrides`, JSON) from its parent's updates.
    case following(model: UInt32, parent: UInt32?, overrides: String)
}

extension StoreRecord {
    /// The bytes of text the record carries (its document or message).
    public var byteCount: Int {
        switch self {
        case let .create(_, name, document): name.utf8.count + document.utf8.count
        case let .update(_, _, _, message): message.utf8.count
        case .delete: 0
        case let .snapshot(_, _, document, basis, _): document.utf8.count + (basis?.count ?? 0)
        case let .following(_, _, overrides): overrides.utf8.count
        }
    }
}
