import LiveSolveModel

/// A client's message, validated against the envelope rules of PROTOCOL.md.
enum ClientRequest: Sendable {
    enum ModelSource: Sendable {
        case document(JSON)
        case text(String, ModelFormat)
    }
    case create(source: ModelSource, name: String?)
    case subscribe(model: String, fields: FieldSet)
    case unsubscribe(model: String)
    case update(model: String, update: JSON)
    case get(model: String, fields: FieldSet)
    case ping
}
