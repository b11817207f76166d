/// A request whose handling has to wait (see `Coordinator.start`), with what its reply echoes.
enum DeferredRequest: Sendable {
    case create(ClientRequest.ModelSource, name: String?, context: RequestEcho)
    case get(model: String, fields: FieldSet, seq: Int?, context: RequestEcho)
}
