import LiveSolveModel

/// A request's `id` and `model` as given, for the reply, even when the request is invalid.
struct RequestEcho: Sendable {
    var id: EchoedID?
    var model: String?
}
