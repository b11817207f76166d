"""Public/openapi.yaml against a live server: schemathesis (PyPI) generates requests from it, and
every answer must have a documented status, content type, headers and schema, and none a 5xx."""
import subprocess
import urllib.request

import yaml

from livesolve_server import ROOT

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"


def test_the_server_serves_the_document_in_the_repository(server):
    with urllib.request.urlopen(f"{server.http}/openapi.yaml", timeout=30) as response:
        served = response.read()
        assert response.headers["Content-Type"].startswith("application/yaml")
    assert served == (ROOT / "Public" / "openapi.yaml").read_bytes()
    document = yaml.safe_load(served)
    assert document["openapi"].startswith("3.1")
    # Every REST route of PROTOCOL.md is described.
    assert set(document["paths"]) == {"/v1/models", "/v1/models/{id}", "/v1/models/{id}/solution",
                                      "/v1/models/{id}/updates", "/v1/models/{id}/fork", "/healthz", "/metrics"}


def test_every_answer_holds_to_the_document(server, tmp_path):
    result = subprocess.run(
        ["schemathesis", "run", f"{server.http}/openapi.yaml", "--checks", CHECKS, "--max-examples", "40",
         "--seed", "1", "--request-timeout", "30", "--report", "junit", "--report-dir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=900)  # its cache stays out of the tree
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
