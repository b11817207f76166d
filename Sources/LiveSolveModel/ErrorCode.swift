/// The protocol's error codes (PROTOCOL.md), one enum for every layer.
public enum ErrorCode: String, Sendable, CaseIterable {
    case badMessage = "bad_message"
    case unknownOp = "unknown_op"
    case unknownModel = "unknown_model"
    case unknownVariable = "unknown_variable"
    case unknownRow = "unknown_row"
    case unknownParameter = "unknown_parameter"
    case invalidValue = "invalid_value"
    case invalidModel = "invalid_model"
    case tooLarge = "too_large"
    case unauthorized
    case forbidden
    case rateLimited = "rate_limited"
    case overloaded
    case timeout
    case storageError = "storage_error"
    case `internal`
}

/// An error in outside input: what is wrong, where (a JSON path or "line L, column C"), and its code.
///
/// `description` is the wire message: `constraints[3].terms["x[9]"]: unknown variable "x[9]"`.
public struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var path: String
    public var reason: String

    public init(_ code: ErrorCode, at path: String, _ reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    /// The message: the path, a colon, then what is wrong.
    public var message: String { path.isEmpty ? reason : "\(path): \(reason)" }
    public var description: String { message }
}
