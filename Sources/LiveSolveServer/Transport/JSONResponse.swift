import Hummingbird
import LiveSolveModel
import NIOCore

extension RequestError {
    /// The HTTP status for this error on REST (PROTOCOL.md's REST section).
    var status: HTTPResponse.Status {
        if let httpStatus { return HTTPResponse.Status(code: httpStatus) }
        return switch code {
        case .unknownModel: .notFound
        case .tooLarge: .contentTooLarge
        case .timeout: .gatewayTimeout
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .rateLimited: .tooManyRequests
        case .overloaded, .storageError: .serviceUnavailable
        case .internal: .internalServerError
        default: .badRequest
        }
    }
}

/// JSON responses.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func make(_ status: HTTPResponse.Status, _ value: JSON) -> Response {
        make(status, JSONWriter.string(value))
    }

    static func error(_ error: RequestError, status: HTTPResponse.Status? = nil) -> Response {
        var response = make(status ?? error.status, ServerMessage.error(error, id: nil))
        if response.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if let seconds = error.retryAfter { response.headers[.retryAfter] = "\(max(seconds, 1))" }
        return response
    }
}
