"""Writes the MIP benchmark inputs: multi-dimensional knapsacks (binary items, five capacity
rows) that CBC takes a fraction of a second to seconds to prove, and a price stream for each:
a header line, then one objective update per step (the profits of k items move by up to 5 %)
with the optimum after it, from HiGHS.

    python3 Benchmarks/mip/generate.py      (needs highspy: make highs-deps)
"""
import json
import os
import random

import highspy

HERE = os.path.dirname(os.path.abspath(__file__))


def knapsack(n, m, seed):
    r = random.Random(seed)
    w = [[r.randint(1, 100) for _ in range(n)] for _ in range(m)]
    p = [float(round(sum(w[i][j] for i in range(m)) / m + r.randint(1, 20))) for j in range(n)]
    cap = [sum(w[i]) // 2 for i in range(m)]
    return w, p, cap


def write_lp(name, w, p, cap):
    n = len(p)
    out = [f"\\ {name}: a multi-dimensional knapsack", "maximize",
           " profit: " + " + ".join(f"{p[j]:g} x{j}" for j in range(n)), "subject to"]
    for i, c in enumerate(cap):
        out.append(f" cap{i}: " + " + ".join(f"{w[i][j]} x{j}" for j in range(n)) + f" <= {c}")
    out += ["binary", " " + " ".join(f"x{j}" for j in range(n)), "end"]
    with open(os.path.join(HERE, f"{name}.lp"), "w") as f:
        f.write("\n".join(out) + "\n")


def optimum(w, p, cap):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    n = len(p)
    inf = highspy.kHighsInf
    for j in range(n):
        h.addVar(0, 1)
        h.changeColCost(j, -p[j])
        h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
    for i, c in enumerate(cap):
        h.addRow(-inf, c, n, list(range(n)), [float(x) for x in w[i]])
    h.run()
    return -h.getInfo().objective_function_value


def stream(name, w, p, cap, steps, k, seed):
    r = random.Random(seed)
    p = list(p)
    header = {"model": name, "source": f"mip/{name}.lp", "steps": steps, "changes_per_step": k,
              "walk": f"p *= 1 + U[-0.05, 0.05] on {k} random items per step", "seed": seed}
    lines = [json.dumps(header)]
    for step in range(1, steps + 1):
        change = {}
        for j in r.sample(range(len(p)), k):
            p[j] = round(p[j] * (1 + r.uniform(-0.05, 0.05)), 4)
            change[f"x{j}"] = p[j]
        lines.append(json.dumps({"step": step, "objective": change, "expect": optimum(w, p, cap)}))
    with open(os.path.join(HERE, f"{name}.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    for name, n, seed, steps in [("knapsack30", 30, 1, 40), ("knapsack40", 40, 1, 10)]:
        w, p, cap = knapsack(n, 5, seed)
        write_lp(name, w, p, cap)
        stream(name, w, p, cap, steps, 3, seed + 100)
