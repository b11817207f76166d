"""LiveSolve's LP reader against HiGHS's, file by file: columns, rows, objective, bounds, optimum.

The corpus: the edge cases in cases/, every Netlib model written as LP by HiGHS and by
LiveSolve (`livesolve convert --to lp`), and the bundled examples written by LiveSolve. Each
file is read by `livesolve convert --to json` and by highspy, and solved by `livesolve solve`
and by HiGHS. Where HiGHS departs from the CPLEX LP rules, DEPARTURES names the case and the
test checks LiveSolve against what the rules give instead.
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
CASES = ROOT / "Tests" / "lp" / "cases"
EXAMPLES = ROOT / "Public" / "examples"
NETLIB = ROOT / "Benchmarks" / "data" / "netlib"
INF = math.inf

# HiGHS reads a bound of 1e20 or more as infinite; CLP, behind LiveSolve, from 1e30.
INFINITE_BOUND = 1e20


def model(sense, columns, rows, offset=0.0, optimum=None):
    """A model as both readers are compared: columns {name: (cost, lower, upper, integer)},
    rows [(name, lower, upper, {column: coefficient})]."""
    return {"sense": sense, "offset": offset, "columns": columns, "rows": rows, "optimum": optimum}


# Cases where HiGHS departs from the CPLEX LP rules: why, and the model the rules give.
DEPARTURES = {
    "lhs-constant.lp": (
        "HiGHS ignores a constant on a row's left-hand side (x + y + 3 <= 4 as x + y <= 4)",
        model("max", {"x": (1, 0, INF, False), "y": (1, 0, INF, False)},
              [("c", -INF, 1, {"x": 1, "y": 1}), ("d", 1, INF, {"x": 1})], optimum=1),
    ),
    "ranged.lp": (
        "HiGHS refuses a ranged row (lo <= expression <= hi), LiveSolve's extension",
        model("min", {"x": (1, 0, INF, False), "y": (-1, 0, INF, False)},
              [("r", -2, 8, {"x": 1, "y": -1}), ("s", -INF, 10, {"x": 1, "y": 1})], optimum=-2),
    ),
    "brackets.lp": (
        "HiGHS refuses '[' in a name, which LiveSolve takes after a name's first character",
        model("max", {"x[1]": (2, 0, INF, False), "x[2]": (3, 0, INF, False)},
              [("cap[a]", -INF, 4, {"x[1]": 1, "x[2]": 1}), ("cap[b]", -INF, 3, {"x[2]": 1})], optimum=11),
    ),
    "slash-name.lp": (
        "HiGHS refuses a name that begins with '/', which CPLEX allows",
        model("max", {"/h": (1, 0, INF, False), "k": (2, 0, INF, False)},
              [("c", -INF, 3, {"/h": 1, "k": 1}), ("d", -INF, 1, {"/h": 1})], optimum=6),
    ),
}


def run(*arguments):
    return subprocess.run([str(BINARY), *map(str, arguments)], capture_output=True, text=True, timeout=300)


def livesolve_model(path):
    """The model as LiveSolve reads it, from its canonical JSON document."""
    converted = run("convert", path, "--to", "json")
    assert converted.returncode == 0, converted.stderr
    document = json.loads(converted.stdout)
    number = lambda value, infinite: infinite if value is None else float(value)
    columns = {
        v["name"]: (float(document["objective"]["terms"].get(v["name"], 0)), number(v["lower"], -INF),
                    number(v["upper"], INF), bool(v.get("integer", False)))
        for v in document["variables"]
    }
    rows = [(c["name"], number(c.get("lower"), -INF), number(c.get("upper"), INF),
             {name: float(value) for name, value in c["terms"].items()})
            for c in document["constraints"]]
    return model(document["sense"], columns, rows, float(document["objective"]["constant"]))


def highs_read(path):
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    status = highs.readModel(str(path))
    return highs, status


def highs_model(highs):
    lp = highs.getLp()
    # Each read of a highspy vector property copies it: read each once.
    names, cost, lower, upper = list(lp.col_names_), list(lp.col_cost_), list(lp.col_lower_), list(lp.col_upper_)
    integrality = list(lp.integrality_)
    columns = {
        name: (cost[j], lower[j], upper[j], bool(integrality) and integrality[j] == highspy.HighsVarType.kInteger)
        for j, name in enumerate(names)
    }
    matrix = lp.a_matrix_
    assert matrix.format_ == highspy.MatrixFormat.kColwise
    start, index, value = list(matrix.start_), list(matrix.index_), list(matrix.value_)
    terms = [dict() for _ in range(lp.num_row_)]
    for j, name in enumerate(names):
        for k in range(start[j], start[j + 1]):
            terms[index[k]][name] = value[k]
    rows = [(name, low, up, terms[i])
            for i, (name, low, up) in enumerate(zip(lp.row_names_, lp.row_lower_, lp.row_upper_))]
    sense = "max" if lp.sense_ == highspy.ObjSense.kMaximize else "min"
    return model(sense, columns, rows, lp.offset_)


def same_number(a, b):
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def same_bound(a, b):
    infinite = lambda v: math.copysign(INF, v) if abs(v) >= INFINITE_BOUND else v
    return same_number(infinite(a), infinite(b))


def assert_same_model(ours, theirs):
    assert ours["sense"] == theirs["sense"]
    assert same_number(ours["offset"], theirs["offset"]), (ours["offset"], theirs["offset"])
    assert set(ours["columns"]) == set(theirs["columns"])
    for name, (cost, lower, upper, integer) in ours["columns"].items():
        their = theirs["columns"][name]
        assert same_number(cost, their[0]), f"objective coefficient of {name}: {cost} vs {their[0]}"
        assert same_bound(lower, their[1]) and same_bound(upper, their[2]), f"bounds of {name}: {(lower, upper)} vs {their[1:3]}"
        assert integer == their[3], f"integrality of {name}"
    assert [r[0] for r in ours["rows"]] == [r[0] for r in theirs["rows"]]
    for (name, lower, upper, terms), (_, their_lower, their_upper, their_terms) in zip(ours["rows"], theirs["rows"]):
        assert same_bound(lower, their_lower) and same_bound(upper, their_upper), f"bounds of row {name}: {(lower, upper)} vs {(their_lower, their_upper)}"
        nonzero = lambda t: {k: v for k, v in t.items() if v != 0}
        ours_terms, their_nonzero = nonzero(terms), nonzero(their_terms)
        assert set(ours_terms) == set(their_nonzero), f"row {name}'s variables"
        for column, value in ours_terms.items():
            assert same_number(value, their_nonzero[column]), f"row {name}, {column}: {value} vs {their_nonzero[column]}"


def livesolve_optimum(path):
    solved = run("solve", path, "--json")
    assert solved.returncode == 0, solved.stdout + solved.stderr
    result = json.loads(solved.stdout)
    assert result["status"] == "optimal"
    return result["objective"]


def highs_optimum(highs):
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return highs.getInfo().objective_function_value


def same_optimum(a, b):
    return abs(a - b) <= max(1e-6 * abs(b), 1e-9)


def check_against_highs(path):
    ours = livesolve_model(path)
    highs, status = highs_read(path)
    assert status != highspy.HighsStatus.kError, f"HiGHS could not read {path}"
    assert_same_model(ours, highs_model(highs))
    if not any(column[3] for column in ours["columns"].values()):
        ours_optimum, their_optimum = livesolve_optimum(path), highs_optimum(highs)
        assert same_optimum(ours_optimum, their_optimum), (ours_optimum, their_optimum)


def netlib_names():
    if not NETLIB.is_dir():
        pytest.fail(f"the Netlib models are missing: {NETLIB}")
    return sorted(p.name[: -len(".mps.gz")] for p in NETLIB.glob("*.mps.gz"))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Where the Netlib models written as LP go: highs/NAME.lp and livesolve/NAME.lp."""
    folder = tmp_path_factory.mktemp("lp")
    (folder / "highs").mkdir()
    (folder / "livesolve").mkdir()
    return folder


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.lp")))
def test_edge_case_reads_as_highs_reads_it(case):
    path = CASES / case
    if case in DEPARTURES:
        _, expected = DEPARTURES[case]
        assert_same_model(livesolve_model(path), expected)
        assert same_optimum(livesolve_optimum(path), expected["optimum"])
    else:
        check_against_highs(path)


@pytest.mark.parametrize("name", netlib_names())
def test_netlib_written_by_highs_reads_as_highs_reads_it(name, written):
    """HiGHS writes names as they are, so models with names that begin with a digit or a
    period (Netlib's `1`, `...100`) give files the CPLEX rules refuse: LiveSolve says where."""
    highs, status = highs_read(NETLIB / f"{name}.mps.gz")
    assert status != highspy.HighsStatus.kError
    path = written / "highs" / f"{name}.lp"
    highs.writeModel(str(path))
    names = list(highs.getLp().col_names_) + list(highs.getLp().row_names_)
    if any(n[0].isdigit() or n[0] == "." for n in names):
        refused = run("convert", path, "--to", "json")
        assert refused.returncode == 1
        assert f"{path}: line " in refused.stderr and "a name may not begin with a " in refused.stderr, refused.stderr
    else:
        check_against_highs(path)


@pytest.mark.parametrize("name", netlib_names())
def test_netlib_written_by_livesolve_reads_as_highs_reads_it(name, written):
    """LiveSolve writes a ranged row as its extension `lo <= expression <= hi`, which HiGHS
    refuses: such a file is checked against HiGHS's reading of the MPS source instead (sizes,
    nonzeros, optimum; the Swift round-trip test checks every number)."""
    path = written / "livesolve" / f"{name}.lp"
    converted = run("convert", NETLIB / f"{name}.mps.gz", "--to", "lp")
    assert converted.returncode == 0, converted.stderr
    path.write_text(converted.stdout)
    ours = livesolve_model(path)
    if not any(-INF < lower < upper < INF for _, lower, upper, _ in ours["rows"]):
        check_against_highs(path)
        return
    highs, status = highs_read(NETLIB / f"{name}.mps.gz")
    assert status != highspy.HighsStatus.kError
    theirs = highs_model(highs)
    assert len(ours["columns"]) == len(theirs["columns"]) and len(ours["rows"]) == len(theirs["rows"])
    count = lambda m: sum(1 for _, _, _, terms in m["rows"] for v in terms.values() if v != 0)
    assert count(ours) == count(theirs)
    ours_optimum, their_optimum = livesolve_optimum(path), highs_optimum(highs)
    assert same_optimum(ours_optimum, their_optimum), (ours_optimum, their_optimum)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_example_written_by_livesolve_reads_as_highs_reads_it(example, tmp_path):
    path = tmp_path / example.replace(".json", ".lp")
    converted = run("convert", EXAMPLES / example, "--to", "lp")
    assert converted.returncode == 0, converted.stderr
    path.write_text(converted.stdout)
    check_against_highs(path)
