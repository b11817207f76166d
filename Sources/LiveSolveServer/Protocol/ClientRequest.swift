import LiveSolveModel

/// A client's message, validated against the envelope rules of PROTOCOL.md.
enum ClientRequest: Sendable {
    enum ModelSource: Sendable {
        case document(JSON)
        case text(String, ModelFormat)
        /// A model already built: a fork's state.
        case model(Model)
    }
    case create(source: ModelSource, name: String?)
    /// `deadband` 0 sends every change; above it, only entries that moved by more (PROTOCOL.md).
    case subscribe(model: String, fields: FieldSet, deadband: Double)
    case unsubscribe(model: String)
    case update(model: String, update: JSON)
    /// `seq`: the solution as it was then, instead of the newest.
    case get(model: String, fields: FieldSet, seq: Int?)
    case ping
    /// A token for the connection (PROTOCOL.md, "Authentication and limits").
    case auth(token: String)
}
