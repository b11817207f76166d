"""The Pyomo bridge: three models solved live equal Pyomo's own solve with HiGHS, before and after updates."""
import pytest

pe = pytest.importorskip("pyomo.environ")

import livesolve
from livesolve.pyomo import LiveModel, UnsupportedModel, to_document

HIGHS = pe.SolverFactory("appsi_highs")
TOLERANCE = 1e-6


def production():
    """Params in objective coefficients, constraint coefficients, right-hand sides and bounds."""
    m = pe.ConcreteModel(name="production")
    m.P = pe.Set(initialize=["gas", "oil", "jet"])
    m.R = pe.Set(initialize=["crude", "heat"])
    m.price = pe.Param(m.P, initialize={"gas": 3.0, "oil": 2.0, "jet": 4.0}, mutable=True)
    m.use = pe.Param(m.R, m.P, initialize={("crude", "gas"): 1.0, ("crude", "oil"): 1.0, ("crude", "jet"): 1.5,
                                          ("heat", "gas"): 2.0, ("heat", "oil"): 1.0, ("heat", "jet"): 3.0}, mutable=True)
    m.capacity = pe.Param(m.R, initialize={"crude": 100.0, "heat": 180.0}, mutable=True)
    m.demand = pe.Param(m.P, initialize={"gas": 60.0, "oil": 80.0, "jet": 30.0}, mutable=True)
    m.make = pe.Var(m.P, bounds=lambda m, p: (0, m.demand[p]))
    m.profit = pe.Objective(expr=sum(m.price[p] * m.make[p] for p in m.P), sense=pe.maximize)
    m.limit = pe.Constraint(m.R, rule=lambda m, r: sum(m.use[r, p] * m.make[p] for p in m.P) <= m.capacity[r])
    return m, [[(m.price["jet"], 2.5)], pe.ComponentMap([(m.use["heat", "jet"], 2.0), (m.capacity["crude"], 120.0)]),
               {"demand[gas]": 90.0}]


def transport():
    """Supplies and demands as right-hand sides, costs scaled by a Param (a min model)."""
    m = pe.ConcreteModel(name="transport")
    m.S = pe.Set(initialize=["north", "south"])
    m.D = pe.Set(initialize=["a", "b", "c"])
    m.supply = pe.Param(m.S, initialize={"north": 50.0, "south": 60.0}, mutable=True)
    m.demand = pe.Param(m.D, initialize={"a": 30.0, "b": 40.0, "c": 25.0}, mutable=True)
    distance = {("north", "a"): 4, ("north", "b"): 6, ("north", "c"): 9, ("south", "a"): 5, ("south", "b"): 3, ("south", "c"): 7}
    m.fuel = pe.Param(initialize=1.5, mutable=True)
    m.ship = pe.Var(m.S, m.D, domain=pe.NonNegativeReals)
    m.cost = pe.Objective(expr=sum(distance[s, d] * m.fuel * m.ship[s, d] for s in m.S for d in m.D) + 10)
    m.out = pe.Constraint(m.S, rule=lambda m, s: sum(m.ship[s, d] for d in m.D) <= m.supply[s])
    m.into = pe.Constraint(m.D, rule=lambda m, d: sum(m.ship[s, d] for s in m.S) >= m.demand[d])
    return m, [[(m.fuel, 2.0)], [(m.demand["b"], 55.0), (m.supply["north"], 55.0)]]


def commitment():
    """Unit commitment: binaries, Params times binaries in the coefficients, demand as a right-hand side."""
    m = pe.ConcreteModel(name="commitment")
    m.G = pe.Set(initialize=["coal", "gas", "peaker"])
    m.pmax = pe.Param(m.G, initialize={"coal": 60.0, "gas": 40.0, "peaker": 30.0}, mutable=True)
    m.pmin = pe.Param(m.G, initialize={"coal": 25.0, "gas": 10.0, "peaker": 5.0}, mutable=True)
    m.marginal = pe.Param(m.G, initialize={"coal": 20.0, "gas": 35.0, "peaker": 80.0}, mutable=True)
    m.fixed = pe.Param(m.G, initialize={"coal": 300.0, "gas": 100.0, "peaker": 20.0}, mutable=True)
    m.demand = pe.Param(initialize=70.0, mutable=True)
    m.on = pe.Var(m.G, domain=pe.Binary)
    m.output = pe.Var(m.G, domain=pe.NonNegativeReals)
    m.cost = pe.Objective(expr=sum(m.marginal[g] * m.output[g] + m.fixed[g] * m.on[g] for g in m.G))
    m.upper = pe.Constraint(m.G, rule=lambda m, g: m.output[g] - m.pmax[g] * m.on[g] <= 0)
    m.lower = pe.Constraint(m.G, rule=lambda m, g: m.output[g] - m.pmin[g] * m.on[g] >= 0)
    m.meet = pe.Constraint(expr=sum(m.output[g] for g in m.G) >= m.demand)
    return m, [[(m.demand, 95.0)], [(m.demand, 20.0), (m.fixed["coal"], 50.0)], [(m.pmax["gas"], 70.0), (m.demand, 110.0)]]


def highs_objective(model):
    result = HIGHS.solve(model, load_solutions=True)
    assert str(result.solver.termination_condition) == "optimal"
    return pe.value(model.component_objects(pe.Objective).__next__())


def assert_feasible(model):
    """The values LiveSolve wrote in satisfy every constraint, bound and domain of the Pyomo model."""
    for var in model.component_data_objects(pe.Var):
        assert var.lb is None or var.value >= var.lb - TOLERANCE, var.name
        assert var.ub is None or var.value <= var.ub + TOLERANCE, var.name
        if var.is_integer():
            assert abs(var.value - round(var.value)) <= TOLERANCE, var.name
    for constraint in model.component_data_objects(pe.Constraint, active=True):
        body = pe.value(constraint.body)
        assert constraint.lower is None or body >= pe.value(constraint.lower) - TOLERANCE, constraint.name
        assert constraint.upper is None or body <= pe.value(constraint.upper) + TOLERANCE, constraint.name


@pytest.mark.parametrize("build", [production, transport, commitment])
def test_a_live_pyomo_model_equals_pyomo_solved_with_highs_before_and_after_updates(server, build):
    model, steps = build()
    with livesolve.Client(server.ws) as client:
        live = LiveModel(model, client, name=model.name)
        for changes in [[], *steps]:
            if changes:
                seq = live.set_many(changes)
                assert seq == live.seq
            expected = highs_objective(model)     # the Params are set here too: Pyomo solves the same model
            for var in model.component_data_objects(pe.Var):
                var.set_value(None)
            solution = live.load_solution(timeout=60)
            assert solution.seq == live.seq
            objective = pe.value(next(model.component_objects(pe.Objective)))
            assert objective == pytest.approx(expected, rel=1e-9, abs=1e-7)
            assert solution.objective == pytest.approx(expected, rel=1e-9, abs=1e-7)
            assert_feasible(model)
        client.delete(live.id)


def test_params_become_parameters_under_their_pyomo_names():
    model, _ = production()
    document = to_document(model)
    assert document["sense"] == "max"
    assert document["parameters"]["price[gas]"] == 3.0 and document["parameters"]["use[heat,jet]"] == 3.0
    assert document["objective"]["terms"]["make[jet]"] == "price[jet]"
    assert document["variables"][0] == {"name": "make[gas]", "lower": 0, "upper": "demand[gas]"}
    limit = document["constraints"][1]
    assert limit == {"name": "limit[heat]", "terms": {"make[gas]": "use[heat,gas]", "make[oil]": "use[heat,oil]",
                                                     "make[jet]": "use[heat,jet]"}, "upper": "capacity[heat]"}
    transport_model, _ = transport()
    document = to_document(transport_model)
    assert document["objective"] == {"constant": 10, "terms": {
        "ship[north,a]": {"param": "fuel", "scale": 4}, "ship[north,b]": {"param": "fuel", "scale": 6},
        "ship[north,c]": {"param": "fuel", "scale": 9}, "ship[south,a]": {"param": "fuel", "scale": 5},
        "ship[south,b]": {"param": "fuel", "scale": 3}, "ship[south,c]": {"param": "fuel", "scale": 7}}}
    unit = to_document(commitment()[0])
    assert unit["variables"][0] == {"name": "on[coal]", "lower": 0, "upper": 1, "integer": True}
    assert unit["constraints"][0]["terms"] == {"output[coal]": 1, "on[coal]": {"param": "pmax[coal]", "scale": -1}}


def test_nonlinear_parts_are_refused_naming_the_component():
    m = pe.ConcreteModel()
    m.x = pe.Var(bounds=(0, 4))
    m.y = pe.Var(bounds=(0, 4))
    m.p = pe.Param(initialize=2.0, mutable=True)
    m.q = pe.Param(initialize=3.0, mutable=True)
    m.obj = pe.Objective(expr=m.x + m.y)
    m.square = pe.Constraint(expr=m.x * m.y <= 3)
    with pytest.raises(UnsupportedModel, match=r"constraint square: nonlinear"):
        to_document(m)
    m.square.deactivate()
    m.both = pe.Constraint(expr=m.p * m.q * m.x <= 3)
    with pytest.raises(UnsupportedModel, match=r"constraint both: coefficient of x: .* several Params \(p, q\)"):
        to_document(m)
    m.both.deactivate()
    m.shifted = pe.Constraint(expr=m.x <= m.p + 1)
    with pytest.raises(UnsupportedModel, match=r"constraint shifted upper bound: .* not a number times Param p"):
        to_document(m)
    m.shifted.deactivate()
    m.obj.deactivate()
    m.curved = pe.Objective(expr=m.x ** 2)
    with pytest.raises(UnsupportedModel, match=r"objective curved: nonlinear"):
        to_document(m)


def test_setting_a_param_that_is_not_part_of_the_model_is_refused(server):
    model, _ = production()
    other, _ = transport()
    with livesolve.Client(server.ws) as client:
        live = LiveModel(model, client)
        with pytest.raises(UnsupportedModel, match="fuel"):
            live.set(other.fuel, 3.0)
        assert live.seq == 0
        client.delete(live.id)
