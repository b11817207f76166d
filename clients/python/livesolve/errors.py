"""The protocol's error codes as exceptions: `except livesolve.UnknownModel` reads like the code."""


class LiveSolveError(Exception):
    """An `error` the server sent (or, for `ConnectionLost`, the client's own)."""

    code = "internal"

    def __init__(self, message, code=None, model=None):
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.model = model

    def __str__(self):
        where = f" (model {self.model})" if self.model is not None else ""
        return f"{self.code}: {self.message}{where}"


class BadMessage(LiveSolveError): code = "bad_message"
class UnknownOp(LiveSolveError): code = "unknown_op"
class UnknownModel(LiveSolveError): code = "unknown_model"
class UnknownVariable(LiveSolveError): code = "unknown_variable"
class UnknownRow(LiveSolveError): code = "unknown_row"
class UnknownParameter(LiveSolveError): code = "unknown_parameter"
class InvalidValue(LiveSolveError): code = "invalid_value"
class InvalidModel(LiveSolveError): code = "invalid_model"
class TooLarge(LiveSolveError): code = "too_large"
class Unauthorized(LiveSolveError): code = "unauthorized"
class Forbidden(LiveSolveError): code = "forbidden"
class RateLimited(LiveSolveError): code = "rate_limited"
class Overloaded(LiveSolveError): code = "overloaded"
class Timeout(LiveSolveError): code = "timeout"
class StorageError(LiveSolveError): code = "storage_error"
class Internal(LiveSolveError): code = "internal"


class ConnectionLost(LiveSolveError):
    """The connection dropped while a request was in flight: it may or may not have been applied."""

    code = "connection_lost"


BY_CODE = {cls.code: cls for cls in LiveSolveError.__subclasses__()}


def from_message(message):
    """The exception for an `error` message; an unknown code is still a `LiveSolveError`."""
    code = message.get("code", "internal")
    cls = BY_CODE.get(code, LiveSolveError)
    return cls(message.get("message", ""), code=code, model=message.get("model"))
