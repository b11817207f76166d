"""LiveSolve's Python client: create models, send updates, and watch whole live solutions.

    import livesolve
    async with livesolve.connect("ws://127.0.0.1:8080") as client:
        model = await client.create(document, name="refinery")
        ...

`livesolve.Client` has the same methods, blocking; `livesolve.pyomo` bridges Pyomo models.
"""

from .client import AsyncClient, connect
from .errors import (BadMessage, ConnectionLost, Forbidden, Internal, InvalidModel, InvalidValue,
                     LiveSolveError, Overloaded, RateLimited, StorageError, Timeout, TooLarge,
                     Unauthorized, UnknownModel, UnknownOp, UnknownParameter, UnknownRow,
                     UnknownVariable)
from .solution import Solution
from .sync import Client

__all__ = [
    "AsyncClient", "Client", "Solution", "connect",
    "LiveSolveError", "BadMessage", "ConnectionLost", "Forbidden", "Internal", "InvalidModel",
    "InvalidValue", "Overloaded", "RateLimited", "StorageError", "Timeout", "TooLarge",
    "Unauthorized", "UnknownModel", "UnknownOp", "UnknownParameter", "UnknownRow", "UnknownVariable",
]
