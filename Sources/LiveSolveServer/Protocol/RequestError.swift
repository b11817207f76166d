import LiveSolveModel

/// An error for the client: its code and message, and the model it concerns.
struct RequestError: Error {
    var code: ErrorCode
    var message: String
    var model: String?
    /// On REST, a status other than the code's usual one (415 for an unknown Content-Type).
    var httpStatus: Int?
    /// Seconds to wait before retrying (`rate_limited`): REST's `Retry-After`.
    var retryAfter: Int?

    init(_ code: ErrorCode, _ message: String, model: String? = nil) {
        self.code = code
        self.message = message
        self.model = model
    }

    init(_ error: ModelError, model: String? = nil) {
        self.init(error.code, error.message, model: model)
    }
}
