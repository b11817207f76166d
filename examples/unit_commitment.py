"""Unit commitment in Pyomo, kept solved live while the demand forecast moves.

    python3 examples/unit_commitment.py [--url ws://127.0.0.1:8080] [--forecasts 5]

Three units over six hours: each hour's output must meet the forecast demand, a unit that runs
pays its fixed cost and stays within its limits. The model is built in Pyomo, created on the
server once, and then only the `demand` Params move as each new forecast arrives; the server
re-solves the mixed-integer program warm and `load_solution` writes the plan back into Pyomo.
"""
import argparse
import json
import random

import pyomo.environ as pe

import livesolve
from livesolve.pyomo import LiveModel

HOURS = range(6)
UNITS = {"coal": (60, 25, 20, 300), "gas": (40, 10, 35, 100), "peaker": (30, 5, 80, 20)}  # pmax, pmin, marginal, fixed


def build(forecast):
    m = pe.ConcreteModel(name="unit-commitment")
    m.G, m.T = pe.Set(initialize=list(UNITS)), pe.Set(initialize=list(HOURS))
    m.demand = pe.Param(m.T, initialize=dict(enumerate(forecast)), mutable=True)
    m.on = pe.Var(m.G, m.T, domain=pe.Binary)
    m.output = pe.Var(m.G, m.T, domain=pe.NonNegativeReals)
    m.cost = pe.Objective(expr=sum(UNITS[g][2] * m.output[g, t] + UNITS[g][3] * m.on[g, t] for g in m.G for t in m.T))
    m.most = pe.Constraint(m.G, m.T, rule=lambda m, g, t: m.output[g, t] <= UNITS[g][0] * m.on[g, t])
    m.least = pe.Constraint(m.G, m.T, rule=lambda m, g, t: m.output[g, t] >= UNITS[g][1] * m.on[g, t])
    m.meet = pe.Constraint(m.T, rule=lambda m, t: sum(m.output[g, t] for g in m.G) >= m.demand[t])
    return m


def main(url, forecasts):
    random.seed(7)
    forecast = [55, 70, 90, 110, 85, 60]
    model = build(forecast)
    with livesolve.Client(url) as client:
        live = LiveModel(model, client, name="unit-commitment")
        for step in range(forecasts):
            if step:
                forecast = [max(20, round(d * random.uniform(0.85, 1.15))) for d in forecast]
                live.set_many([(model.demand[t], forecast[t]) for t in HOURS])
            solution = live.load_solution()
            running = [" ".join(g[0] if pe.value(model.on[g, t]) > 0.5 else "." for g in UNITS) for t in HOURS]
            print(f"forecast {forecast}  cost {pe.value(model.cost):9.1f}  units by hour: {' | '.join(running)}")
        print(json.dumps({"model": live.id, "seq": solution.seq, "objective": solution.objective}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8080")
    parser.add_argument("--forecasts", type=int, default=5)
    arguments = parser.parse_args()
    main(arguments.url, arguments.forecasts)
