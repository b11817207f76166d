"""The asyncio client: one WebSocket to `/v1/stream`, REST for what the stream has no op for.

Requests are matched to replies by `id`. Subscriptions are rebuilt into whole views here, so a
caller never sees a delta. A dropped connection is opened again with backoff; every
subscription is then renewed and starts over from the server's fresh full snapshot.
"""

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from . import errors
from .solution import FIELDS, Solution, View

# What `get` asks for unless told: every map but the bands, which cost the server a ranging pass.
GET_FIELDS = ["values", "duals", "reducedCosts", "rowActivities"]


def connect(url="ws://127.0.0.1:8080", token=None, **options):
    """Opens a client: `async with connect(url) as client:`, or `client = await connect(url)`.

    `options`: `timeout` (seconds a request waits for its reply, default 30), `reconnect`
    (seconds to keep trying after the connection drops, default 60; 0: do not), `ssl` (an
    `ssl.SSLContext` for a `wss://` server with a private certificate authority).
    """
    return _Opening(AsyncClient(url, token, **options))


class _Opening:
    def __init__(self, client):
        self.client = client

    def __await__(self):
        return self._open().__await__()

    async def _open(self):
        await self.client.open()
        return self.client

    async def __aenter__(self):
        return await self._open()

    async def __aexit__(self, *exc):
        await self.client.close()


def stream_url(url):
    """`ws://host:port` (or `http://…`) to the stream endpoint and the REST base URL."""
    parts = urllib.parse.urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    if scheme not in ("ws", "wss"):
        raise ValueError(f"url {url!r}: expected ws://, wss://, http:// or https://")
    path = parts.path.rstrip("/")
    if path.endswith("/v1/stream"):
        path = path[: -len("/v1/stream")]
    base = urllib.parse.urlunsplit(({"ws": "http", "wss": "https"}[scheme], parts.netloc, path, "", ""))
    return urllib.parse.urlunsplit((scheme, parts.netloc, path + "/v1/stream", "", "")), base


def wire_fields(fields):
    """Protocol field names from either spelling (`reduced_costs` or `reducedCosts`)."""
    if fields is None:
        return None
    if isinstance(fields, str):
        fields = [fields]
    return [FIELDS.get(f, f) for f in fields]


class _Subscription:
    def __init__(self, model, fields, deadband):
        self.model, self.fields, self.deadband = model, fields, deadband
        self.view = View()
        self.version = 0
        self.error = None
        self.ended = False
        self.changed = asyncio.Event()

    def message(self, request_id):
        message = {"op": "subscribe", "id": request_id, "model": self.model}
        if self.fields is not None:
            message["fields"] = self.fields
        if self.deadband is not None:
            message["deadband"] = self.deadband
        return message

    def receive(self, message):
        self.view.apply(message)
        self.version += 1
        self.changed.set()

    def end(self, error=None):
        self.error = self.error or error
        self.ended = True
        self.changed.set()


class AsyncClient:
    def __init__(self, url, token=None, *, timeout=30.0, reconnect=60.0, ssl=None):
        self.url, self.base = stream_url(url)
        self.token, self.timeout, self.reconnect, self.ssl = token, timeout, reconnect, ssl
        self._socket = None
        self._reader = None
        self._connected = asyncio.Event()
        self._pending = {}        # request id -> future of its reply
        self._subscriptions = {}  # model id -> _Subscription
        self._next_id = 1
        self._closing = False
        self._lost = None         # the error that ended reconnecting, if it did

    # -- connection ------------------------------------------------------------------------

    async def open(self):
        self._socket = await self._dial()
        self._connected.set()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _dial(self):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        try:
            return await ws_connect(self.url, additional_headers=headers, ssl=self.ssl,
                                    max_size=None, open_timeout=self.timeout, compression="deflate")
        except InvalidStatus as refused:
            raise _refusal(refused.response) from None

    async def close(self):
        """Closes the connection; open subscriptions end and unanswered requests fail."""
        self._closing = True
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=self.timeout)
        self._fail_pending(errors.ConnectionLost("the client was closed"))
        for subscription in list(self._subscriptions.values()):
            subscription.end()
        self._subscriptions.clear()

    async def _read(self):
        while True:
            try:
                async for text in self._socket:
                    self._dispatch(json.loads(text))
            except ConnectionClosed:
                pass
            self._connected.clear()
            if self._closing:
                return
            self._fail_pending(errors.ConnectionLost("the connection dropped before the reply came"))
            lost = await self._redial()
            if lost is not None:
                self._lost = lost
                for subscription in list(self._subscriptions.values()):
                    subscription.end(lost)
                return
            self._connected.set()
            for subscription in list(self._subscriptions.values()):
                asyncio.get_running_loop().create_task(self._renew(subscription))

    async def _redial(self):
        """Dials again with doubling waits for up to `reconnect` seconds; returns the error that ended it, or None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.reconnect or 0)
        delay = 0.1
        while loop.time() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
            try:
                self._socket = await self._dial()
                return None
            except (errors.Unauthorized, errors.Forbidden) as refused:
                return refused
            except (OSError, InvalidHandshake, asyncio.TimeoutError, errors.LiveSolveError):
                continue
        return errors.ConnectionLost(f"could not reach {self.url} again within {self.reconnect} s")

    async def _renew(self, subscription):
        # A fresh snapshot follows `subscribed`: being full, it replaces each map it carries.
        try:
            await self._request(subscription.message)
        except errors.ConnectionLost:
            pass  # the next reconnection renews it again
        except errors.LiveSolveError as error:
            subscription.end(error)

    def _dispatch(self, message):
        kind = message.get("type")
        future = self._pending.pop(message.get("id"), None) if "id" in message else None
        if future is not None:
            if future.done():
                return
            if kind == "error":
                future.set_exception(errors.from_message(message))
            else:
                future.set_result(message)
            return
        subscription = self._subscriptions.get(message.get("model"))
        if subscription is None:
            return
        if kind == "solution":
            subscription.receive(message)
        elif kind == "error":
            # The model was deleted, or this token may no longer see it.
            subscription.end(errors.from_message(message))

    def _fail_pending(self, error):
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)

    async def _request(self, make):
        """Sends `make(id)` and waits for the reply with that id (an `error` is raised)."""
        if self._closing:
            raise errors.ConnectionLost("the client was closed")
        if self._lost is not None:
            raise self._lost
        try:
            await asyncio.wait_for(self._connected.wait(), self.timeout)
        except asyncio.TimeoutError:
            raise errors.ConnectionLost(f"not connected to {self.url} within {self.timeout} s") from None
        request_id = self._next_id
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._socket.send(json.dumps(make(request_id), allow_nan=False))
            return await asyncio.wait_for(future, self.timeout)
        except ConnectionClosed:
            raise errors.ConnectionLost("the connection dropped before the request was sent") from None
        except asyncio.TimeoutError:
            raise errors.Timeout(f"no reply within {self.timeout} s") from None
        finally:
            self._pending.pop(request_id, None)

    # -- the protocol's operations ---------------------------------------------------------

    async def call(self, op, **fields):
        """Sends any op with these fields and returns the reply as a dict: the way to ops this client does not wrap."""
        return await self._request(lambda i: {"op": op, "id": i, **fields})

    async def ping(self):
        await self.call("ping")

    async def create(self, source, name=None, format=None):
        """Creates a model from a document (a dict), or from LP or MPS text with `format="lp"`/`"mps"`; returns its id."""
        message = {"op": "create"}
        if isinstance(source, dict):
            if format not in (None, "json"):
                raise ValueError(f"format {format!r}: a dict is a JSON model document")
            message["model"] = source
        elif isinstance(source, str):
            if format is None and source.lstrip().startswith("{"):
                message["model"] = json.loads(source)
            elif format in ("lp", "mps"):
                message["format"], message["text"] = format, source
            else:
                raise ValueError("text needs format='lp' or format='mps' (or pass the JSON document as a dict)")
        else:
            raise TypeError(f"create: expected a dict or a str, got {type(source).__name__}")
        if name is not None:
            message["name"] = name
        return (await self._request(lambda i: {**message, "id": i}))["model"]

    async def update(self, model, parameters=None, objective=None, row_bounds=None, col_bounds=None, coefficients=None):
        """Sends one update (absolute new values); returns the `seq` the server gave it."""
        message = update_message(model, parameters, objective, row_bounds, col_bounds, coefficients)
        return (await self._request(lambda i: {**message, "id": i}))["seq"]

    async def get(self, model, fields=None, seq=None):
        """The newest full solution (or, with `seq`, the solution of the model as it was right after update `seq`)."""
        message = {"op": "get", "model": model, "fields": wire_fields(fields) or GET_FIELDS}
        if seq is not None:
            message["seq"] = seq
        return Solution.from_full(await self._request(lambda i: {**message, "id": i}))

    async def subscribe(self, model, fields=None, deadband=None):
        """Yields whole solutions of `model` as they change.

        Deltas are applied here, as they arrive; a consumer slower than the solves is handed
        the newest view (it skips intermediate ones, never the newest). Leaving the loop
        unsubscribes. A deleted model ends the loop with `UnknownModel`.
        """
        previous = self._subscriptions.get(model)
        if previous is not None:
            previous.end()  # one subscription per model and connection: the newer one wins
        subscription = _Subscription(model, wire_fields(fields), deadband)
        self._subscriptions[model] = subscription
        try:
            await self._request(subscription.message)
            seen = 0
            while True:
                if subscription.version > seen:
                    seen = subscription.version
                    yield subscription.view.solution()
                    continue
                if subscription.error is not None:
                    raise subscription.error
                if subscription.ended:
                    return
                subscription.changed.clear()
                await subscription.changed.wait()
        finally:
            if self._subscriptions.get(model) is subscription:
                del self._subscriptions[model]
                if self._connected.is_set() and not self._closing:
                    try:
                        await self._socket.send(json.dumps({"op": "unsubscribe", "model": model}))
                    except ConnectionClosed:
                        pass

    # -- REST, for what the stream has no op for -------------------------------------------

    async def delete(self, model):
        """Deletes a model (an admin token's right when the server has tokens)."""
        await self._rest("DELETE", f"/v1/models/{_quote(model)}", model=model)

    async def fork(self, model, seq=None, name=None, follow=False):
        """A new model from `model`'s state at `seq` (default: the newest); returns its id."""
        body = {key: value for key, value in (("seq", seq), ("name", name)) if value is not None}
        if follow:
            body["follow"] = True
        return (await self._rest("POST", f"/v1/models/{_quote(model)}/fork", body, model=model))["model"]

    async def models(self):
        """The models this client may see: a list of entries as `GET /v1/models` gives them."""
        return (await self._rest("GET", "/v1/models"))["models"]

    async def _rest(self, method, path, body=None, model=None):
        return await asyncio.to_thread(self._rest_blocking, method, path, body, model)

    def _rest_blocking(self, method, path, body, model):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.ssl) as response:
                text = response.read()
        except urllib.error.HTTPError as refused:
            raise _refusal(refused, model) from None
        except urllib.error.URLError as failed:
            raise errors.ConnectionLost(f"{method} {self.base}{path}: {failed.reason}", model=model) from None
        return json.loads(text) if text else None


def update_message(model, parameters=None, objective=None, row_bounds=None, col_bounds=None, coefficients=None):
    """An `update` message from keyword arguments; `coefficients` may be dicts or (row, col, value) tuples."""
    message = {"op": "update", "model": model}
    for key, value in (("parameters", parameters), ("objective", objective),
                       ("rowBounds", row_bounds), ("colBounds", col_bounds)):
        if value is not None:
            message[key] = {name: list(b) if isinstance(b, tuple) else b for name, b in value.items()}
    if coefficients is not None:
        message["coefficients"] = [c if isinstance(c, dict) else {"row": c[0], "col": c[1], "value": c[2]}
                                   for c in coefficients]
    return message


def _quote(model):
    return urllib.parse.quote(str(model), safe="")


def _refusal(response, model=None):
    """The exception for a refused HTTP request or WebSocket upgrade, from its error body."""
    status = getattr(response, "status_code", None) or getattr(response, "code", None)
    try:
        raw = response.body if hasattr(response, "body") else response.read()
        message = json.loads(raw)
    except (ValueError, TypeError, AttributeError):
        message = {}
    if not isinstance(message, dict) or "code" not in message:
        code = {401: "unauthorized", 403: "forbidden", 404: "unknown_model", 413: "too_large",
                429: "rate_limited", 503: "overloaded", 504: "timeout"}.get(status, "internal")
        message = {"code": code, "message": f"HTTP {status}"}
    if model is not None and message.get("model") is None:
        message["model"] = model
    return errors.from_message(message)
