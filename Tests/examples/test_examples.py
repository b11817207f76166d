"""Each script in examples/ runs for a few seconds against a live server, as its docstring says to
run it; its last line (the model, seq and objective it ended with) must match the server's."""
import json
import subprocess
import sys

import pytest

from livesolve_server import ROOT

EXAMPLES = {
    "refinery_feed.py": ["--seconds", "3", "--rate", "20"],
    "unit_commitment.py": ["--forecasts", "4"],
    "notebook.py": [],
}


def test_every_example_is_tested():
    assert {path.name for path in (ROOT / "examples").glob("*.py")} == set(EXAMPLES)


@pytest.mark.parametrize("script", sorted(EXAMPLES))
def test_the_example_runs_and_ends_where_the_server_is(server, script):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--url", server.ws, *EXAMPLES[script]],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2, result.stdout
    ended = json.loads(lines[-1])
    solution = server.rest(f"/v1/models/{ended['model']}/solution")
    assert (ended["seq"], ended["objective"]) == (solution["seq"], solution["objective"])
    assert ended["seq"] >= 1
