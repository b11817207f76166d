"""`livesolve solve` on small MIPs against HiGHS: knapsack, facility location, set cover, lot
sizing and an infeasible model, each in LP, MPS and JSON (written by make_models.py).

HiGHS solves the MPS file of each model; LiveSolve (CBC) solves every format of it, with a
zero gap so both optima are proven, and must report the same status and objective.
"""
import json
import math
import os
import pathlib
import subprocess

import highspy
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("LIVESOLVE", ROOT / ".build" / "debug" / "livesolve"))
MODELS = ROOT / "Tests" / "mip" / "models"
NAMES = sorted({p.stem for p in MODELS.iterdir()})


def highs_optimum(name):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    assert h.readModel(str(MODELS / f"{name}.mps")) == highspy.HighsStatus.kOk
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None
    assert status == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(status)
    return "optimal", h.getInfo().objective_function_value


def test_the_corpus_has_every_kind():
    assert NAMES == ["facility", "infeasible", "knapsack", "lotsizing", "setcover"]
    for name in NAMES:
        for suffix in ("lp", "mps", "json"):
            assert (MODELS / f"{name}.{suffix}").exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("suffix", ["lp", "mps", "json"])
def test_livesolve_solve_matches_highs(name, suffix):
    expected_status, expected = highs_optimum(name)
    run = subprocess.run([str(BINARY), "solve", str(MODELS / f"{name}.{suffix}"), "--json", "--values", "--mip-gap", "0"],
                         capture_output=True, text=True, timeout=120)
    result = json.loads(run.stdout)
    assert result["status"] == expected_status, run.stderr
    if expected is None:
        assert run.returncode == 3
        assert result["objective"] is None
        return
    assert run.returncode == 0, run.stderr
    assert math.isclose(result["objective"], expected, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(result["bound"], expected, rel_tol=1e-6, abs_tol=1e-6)
    assert result["gap"] <= 1e-6
    # The incumbent is integral where the model says so.
    document = json.loads((MODELS / f"{name}.json").read_text())
    integers = {v["name"] for v in document["variables"] if v.get("integer")}
    for column, value in result["values"].items():
        if column in integers:
            assert abs(value - round(value)) <= 1e-9, (column, value)
