"""`Client`: the asyncio client's methods, blocking, for scripts and notebooks.

Its event loop runs on a thread of its own, so a notebook's loop (or none) does not matter.
"""

import asyncio
import concurrent.futures
import threading

from .client import AsyncClient


class Client:
    """`Client(url, token=None)`: connected once constructed; `close()` or use it in `with`."""

    def __init__(self, url="ws://127.0.0.1:8080", token=None, **options):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="livesolve", daemon=True)
        self._thread.start()
        self._client = self._run(self._make(url, token, options))

    @property
    def timeout(self):
        """Seconds a request waits for its reply."""
        return self._client.timeout

    async def _make(self, url, token, options):
        client = AsyncClient(url, token, **options)
        await client.open()
        return client

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._loop.is_closed():
            return
        self._run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def create(self, source, name=None, format=None):
        return self._run(self._client.create(source, name=name, format=format))

    def update(self, model, parameters=None, objective=None, row_bounds=None, col_bounds=None, coefficients=None):
        return self._run(self._client.update(model, parameters, objective, row_bounds, col_bounds, coefficients))

    def get(self, model, fields=None, seq=None):
        return self._run(self._client.get(model, fields=fields, seq=seq))

    def delete(self, model):
        return self._run(self._client.delete(model))

    def fork(self, model, seq=None, name=None, follow=False):
        return self._run(self._client.fork(model, seq=seq, name=name, follow=follow))

    def models(self):
        return self._run(self._client.models())

    def ping(self):
        return self._run(self._client.ping())

    def call(self, op, **fields):
        return self._run(self._client.call(op, **fields))

    def subscribe(self, model, fields=None, deadband=None, timeout=None):
        """Iterates whole solutions as they change; leaving the loop unsubscribes.

        `timeout`: seconds to wait for the next solution before `livesolve.Timeout` (default: no limit).
        """
        from .errors import Timeout

        solutions = self._client.subscribe(model, fields=fields, deadband=deadband)
        try:
            while True:
                step = asyncio.run_coroutine_threadsafe(solutions.__anext__(), self._loop)
                try:
                    yield step.result(timeout)
                except StopAsyncIteration:
                    return
                except concurrent.futures.TimeoutError:  # not the builtin TimeoutError before 3.11
                    step.cancel()
                    raise Timeout(f"no solution of {model} within {timeout} s", model=model) from None
        finally:
            if not self._loop.is_closed():
                asyncio.run_coroutine_threadsafe(solutions.aclose(), self._loop).result(self.timeout)
