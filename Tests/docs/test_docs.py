"""Every runnable block of the docs (a fenced `sh` or `python` block in README.md, docs/ and
clients/python/README.md), run in order against a fresh server as a reader would paste them.

The blocks say `localhost:8080`; each file's server is on a port of its own, put in their place.
A block fails on a non-zero exit, on an `error` object in its output, or, for a shell line whose
comment is a whole JSON object (`# {"model":"m3"}`), on output that is not that object.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from livesolve_server import BINARY, ROOT, Server

FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "clients" / "python" / "README.md"]
RUNNABLE = ("sh", "python")
FENCE = re.compile(r"^```(\w*)\s*$")
ADDRESS = re.compile(r"(localhost|127\.0\.0\.1):8080")
EXPECTED = re.compile(r"\s#\s+(\{[^…]*\})\s*$")


def blocks(path):
    """`(language, first line number, text)` of each fenced block."""
    found, language, start, lines = [], None, 0, []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        fence = FENCE.match(line)
        if fence and language is None:
            language, start, lines = fence.group(1), number + 1, []
        elif line.startswith("```") and language is not None:
            found.append((language, start, "\n".join(lines)))
            language = None
        elif language is not None:
            lines.append(line)
    assert language is None, f"{path.name}: the block at line {start} is not closed"
    return found


def test_the_readme_has_runnable_blocks_of_both_kinds():
    kinds = [language for language, _, _ in blocks(ROOT / "README.md")]
    assert kinds.count("sh") >= 5 and kinds.count("python") >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_runnable_block_runs(path, tmp_path):
    runnable = [block for block in blocks(path) if block[0] in RUNNABLE]
    if not runnable:
        pytest.skip(f"{path.name} has no runnable block")
    server = Server(tmp_path, "--workers-count", "2")
    environment = {**os.environ, "PATH": f"{BINARY.parent}:{os.environ['PATH']}", "PIP_BREAK_SYSTEM_PACKAGES": "1"}
    try:
        for language, line, text in runnable:
            text = ADDRESS.sub(f"127.0.0.1:{server.port}", text)
            if language == "python":
                run(path, line, [sys.executable, "-c", text], environment)
                continue
            for offset, command in enumerate(text.splitlines()):
                if not command.strip() or command.lstrip().startswith("#"):
                    continue
                output = run(path, line + offset, ["bash", "-eo", "pipefail", "-c", command], environment)
                expected = EXPECTED.search(command)
                if expected:
                    assert json.loads(output) == json.loads(expected.group(1)), f"{path.name}:{line + offset}: {command}\n{output}"
    finally:
        server.stop()


def run(path, line, argv, environment):
    where = f"{path.name}:{line}"
    result = subprocess.run(argv, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{where} exited {result.returncode}:\n{output[-4000:]}"
    assert '"type":"error"' not in output.replace(" ", ""), f"{where} answered an error:\n{output[-4000:]}"
    return result.stdout
