"""A real `livesolve serve` (the debug build `make test` made) for the Python tests: the client's,
the dashboard's, the OpenAPI check, the docs and the examples (through Tests/conftest.py and
clients/python/tests/conftest.py)."""
import hashlib
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("LIVESOLVE_BINARY", ROOT / ".build" / "debug" / "livesolve"))
REFINERY = json.loads((ROOT / "Public" / "examples" / "refinery.json").read_text())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server child on a port of its own, started again on the same port and store by `restart`."""

    def __init__(self, folder, *arguments, port=None, store=None):
        self.folder, self.arguments = pathlib.Path(folder), arguments
        self.store = store or self.folder / "livesolve.sqlite"
        self.port = port or free_port()
        self.http = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"
        self.start()

    def start(self):
        self.log = open(self.folder / "server.log", "ab")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--http-port", str(self.port), "--workers-count", "1",
             "--storage-path", str(self.store), *self.arguments],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}; see {self.folder}/server.log")
            try:
                urllib.request.urlopen(f"{self.http}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail("the server did not answer /healthz within 30 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def restart(self):
        self.stop()
        self.start()

    def rest(self, path, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with urllib.request.urlopen(urllib.request.Request(self.http + path, headers=headers), timeout=30) as response:
            return json.loads(response.read())


def tokens_file(folder, **roles):
    """A tokens file with one token per role name given (`admin="secret…"`), each that role."""
    path = pathlib.Path(folder) / "tokens.yaml"
    lines = ["tokens:"]
    for role, token in roles.items():
        lines.append(f"  - {{name: {role}, sha256: {hashlib.sha256(token.encode()).hexdigest()}, role: {role}}}")
    path.write_text("\n".join(lines) + "\n")
    return path


# Without the ranging fast path: an update it answers leaves duals and reduced costs to the next
# solve, which a REST read of every field then runs at the same seq (see the README).
EXACT = ("--solve-ranging-fast-path", "false")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("livesolve"), *EXACT)
    yield running
    running.stop()
