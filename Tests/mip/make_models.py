"""Writes the small MIPs of Tests/mip/models/ in the three formats LiveSolve reads: LP, MPS (free,
with integer markers and BV bounds) and the JSON model document. Each model is built here once;
test_mip_highs.py checks `livesolve solve` on every file against HiGHS.

    python3 Tests/mip/make_models.py
"""
import json
import os
import random

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
INF = float("inf")


class MIP:
    def __init__(self, name, sense="min"):
        self.name, self.sense = name, sense
        self.cols, self.rows = [], []  # cols: (name, lower, upper, kind) kind in C, I, B

    def var(self, name, lower=0.0, upper=INF, kind="C", cost=0.0):
        self.cols.append((name, lower, upper, kind, cost))

    def row(self, name, terms, lower=-INF, upper=INF):
        self.rows.append((name, terms, lower, upper))


def num(x):
    return f"{x:.17g}"


def write_lp(m, path):
    out = [f"\\ {m.name}", "maximize" if m.sense == "max" else "minimize"]
    out.append(" obj: " + " + ".join(f"{num(c)} {n}" for n, _, _, _, c in m.cols if c != 0))
    out.append("subject to")
    for name, terms, lo, up in m.rows:
        expr = " + ".join(f"{num(v)} {c}" for c, v in terms.items())
        if lo == up:
            out.append(f" {name}: {expr} = {num(lo)}")
        elif lo > -INF and up < INF:
            out.append(f" {name}: {num(lo)} <= {expr} <= {num(up)}")
        elif lo > -INF:
            out.append(f" {name}: {expr} >= {num(lo)}")
        else:
            out.append(f" {name}: {expr} <= {num(up)}")
    out.append("bounds")
    for n, lo, up, kind, _ in m.cols:
        if kind == "B":
            continue
        out.append(f" {num(lo) if lo > -INF else '-inf'} <= {n} <= {num(up) if up < INF else 'inf'}")
    gens = [n for n, _, _, k, _ in m.cols if k == "I"]
    bins = [n for n, _, _, k, _ in m.cols if k == "B"]
    if gens:
        out += ["general", " " + " ".join(gens)]
    if bins:
        out += ["binary", " " + " ".join(bins)]
    out.append("end")
    open(path, "w").write("\n".join(out) + "\n")


def write_mps(m, path):
    out = [f"NAME {m.name}", "OBJSENSE", "    MAX" if m.sense == "max" else "    MIN", "ROWS", " N obj"]
    for name, _, lo, up in m.rows:
        out.append(f" {'E' if lo == up else ('L' if lo == -INF else 'G')} {name}")
    out.append("COLUMNS")
    in_int = False
    for n, lo, up, kind, cost in m.cols:
        want = kind == "I"
        if want != in_int:
            out.append(" MARKER 'MARKER' " + ("'INTORG'" if want else "'INTEND'"))
            in_int = want
        entries = [("obj", cost)] if cost != 0 else []
        entries += [(r, t[n]) for r, t, _, _ in m.rows if n in t]
        for r, v in entries:
            out.append(f" {n} {r} {num(v)}")
    if in_int:
        out.append(" MARKER 'MARKER' 'INTEND'")
    out.append("RHS")
    ranges = []
    for name, _, lo, up in m.rows:
        rhs = up if lo == -INF else lo
        if rhs != 0:
            out.append(f" rhs {name} {num(rhs)}")
        if lo > -INF and up < INF and lo != up:
            ranges.append(f" rng {name} {num(up - lo)}")
    if ranges:
        out += ["RANGES"] + ranges
    out.append("BOUNDS")
    for n, lo, up, kind, _ in m.cols:
        if kind == "B":
            out.append(f" BV bnd {n}")
            continue
        if lo != 0:
            out.append(f" {'MI' if lo == -INF else 'LO'} bnd {n}" + ("" if lo == -INF else f" {num(lo)}"))
        if up < INF:
            out.append(f" UP bnd {n} {num(up)}")
    out.append("ENDATA")
    open(path, "w").write("\n".join(out) + "\n")


def write_json(m, path):
    def bound(x):
        return None if abs(x) == INF else x
    doc = {
        "name": m.name,
        "sense": m.sense,
        "variables": [
            dict(name=n, lower=0 if k == "B" else bound(lo), upper=1 if k == "B" else bound(up), **({"integer": True} if k != "C" else {}))
            for n, lo, up, k, _ in m.cols
        ],
        "objective": {"terms": {n: c for n, _, _, _, c in m.cols if c != 0}},
        "constraints": [
            dict(name=name, terms=terms, **({"lower": lo} if lo > -INF else {}), **({"upper": up} if up < INF else {}))
            for name, terms, lo, up in m.rows
        ],
    }
    for v in doc["variables"]:
        if v["upper"] is None:
            del v["upper"]
    open(path, "w").write(json.dumps(doc, indent=1) + "\n")


def knapsack():
    m = MIP("knapsack", "max")
    items = [(10, 3), (13, 4), (7, 2), (8, 3), (9, 3), (4, 1), (11, 5)]
    for i, (value, _) in enumerate(items):
        m.var(f"take[{i}]", kind="B", cost=value)
    m.row("capacity", {f"take[{i}]": w for i, (_, w) in enumerate(items)}, upper=11)
    return m


def facility():
    r = random.Random(7)
    m = MIP("facility")
    sites, customers = 5, 12
    for s in range(sites):
        m.var(f"open[{s}]", kind="B", cost=r.randint(40, 90))
    demand = [r.randint(5, 20) for _ in range(customers)]
    for s in range(sites):
        for c in range(customers):
            m.var(f"ship[{s},{c}]", upper=demand[c], cost=r.randint(1, 9))
    for c in range(customers):
        m.row(f"demand[{c}]", {f"ship[{s},{c}]": 1 for s in range(sites)}, lower=demand[c])
    for s in range(sites):
        terms = {f"ship[{s},{c}]": 1 for c in range(customers)}
        terms[f"open[{s}]"] = -60
        m.row(f"capacity[{s}]", terms, upper=0)
    return m


def setcover():
    r = random.Random(11)
    m = MIP("setcover")
    elements, sets = 20, 14
    members = [sorted(r.sample(range(elements), r.randint(3, 7))) for _ in range(sets)]
    for e in range(elements):  # every element in some set
        if not any(e in s for s in members):
            members[e % sets].append(e)
    for k in range(sets):
        m.var(f"use[{k}]", kind="B", cost=r.randint(1, 6))
    for e in range(elements):
        m.row(f"cover[{e}]", {f"use[{k}]": 1 for k in range(sets) if e in members[k]}, lower=1)
    return m


def lotsizing():
    m = MIP("lotsizing")
    demand = [40, 0, 70, 30, 90, 20, 60, 50]
    setup, hold, capacity = 120, 2, 150
    for t in range(len(demand)):
        m.var(f"make[{t}]", upper=capacity, cost=1)
        m.var(f"setup[{t}]", kind="B", cost=setup)
        m.var(f"stock[{t}]", cost=hold)
        m.var(f"batches[{t}]", upper=5, kind="I", cost=3)
    for t, d in enumerate(demand):
        terms = {f"make[{t}]": 1, f"stock[{t}]": -1}
        if t > 0:
            terms[f"stock[{t - 1}]"] = 1
        m.row(f"balance[{t}]", terms, lower=d, upper=d)
        m.row(f"switch[{t}]", {f"make[{t}]": 1, f"setup[{t}]": -capacity}, upper=0)
        m.row(f"batch[{t}]", {f"make[{t}]": 1, f"batches[{t}]": -40}, upper=0)
    return m


def infeasible():
    m = MIP("infeasible")
    m.var("x", upper=10, kind="I", cost=1)
    m.var("y", upper=10, kind="I", cost=1)
    # 2x + 2y = 7 has no integer solution, though its LP relaxation does.
    m.row("odd", {"x": 2, "y": 2}, lower=7, upper=7)
    return m


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    for build in (knapsack, facility, setcover, lotsizing, infeasible):
        m = build()
        write_lp(m, os.path.join(HERE, m.name + ".lp"))
        write_mps(m, os.path.join(HERE, m.name + ".mps"))
        write_json(m, os.path.join(HERE, m.name + ".json"))
