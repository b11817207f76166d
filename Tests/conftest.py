"""Every pytest folder under Tests/ shares the server harness of Tests/harness, and its `server` fixture."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "harness"))

from livesolve_server import server  # noqa: E402,F401  (the fixture)
