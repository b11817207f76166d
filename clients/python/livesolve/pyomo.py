"""A bridge from Pyomo: a `ConcreteModel` becomes a live LiveSolve model.

    from livesolve.pyomo import LiveModel
    live = LiveModel(model, client, name="plan")   # client: a livesolve.Client
    live.set(model.price["gas"], 2.5)             # or live.set_many(ComponentMap(...) or [(param, value), ...])
    live.load_solution()                           # the newest values, in model's variables

Mutable `Param`s become the document's parameters, under Pyomo's own names (`price[gas]`).
A coefficient, bound, right-hand side or constant must be a number or a number times one
mutable Param (what a LiveSolve value can say); anything else is refused, naming the component.
"""

from pyomo.core.expr.visitor import identify_mutable_parameters
from pyomo.environ import Constraint, Objective, Param, Var, maximize, value
from pyomo.repn import generate_standard_repn


class UnsupportedModel(ValueError):
    """A part of the Pyomo model LiveSolve cannot hold (nonlinear, or not a value it can say)."""


def to_document(model):
    """The LiveSolve model document of a Pyomo `ConcreteModel` (see the module's doc)."""
    return _Translation(model).document


class _Translation:
    def __init__(self, model):
        self.variables = {}  # name -> VarData
        self.params = {p.name: p for p in model.component_data_objects(Param, descend_into=True)
                       if p.parent_component().mutable}
        parameters = {name: value(p) for name, p in self.params.items()}
        variables = []
        for var in model.component_data_objects(Var, descend_into=True):
            self.variables[var.name] = var
            variables.append(self.variable(var))
        objectives = list(model.component_data_objects(Objective, active=True, descend_into=True))
        if len(objectives) != 1:
            raise UnsupportedModel(f"model {model.name}: expected one active objective, found {len(objectives)}")
        objective = objectives[0]
        terms, constant = self.linear(objective.expr, f"objective {objective.name}")
        constraints = [self.constraint(c) for c in model.component_data_objects(Constraint, active=True, descend_into=True)]
        self.document = {
            "name": model.name,
            "sense": "max" if objective.sense == maximize else "min",
            "parameters": parameters,
            "variables": variables,
            "objective": {"constant": constant, "terms": terms},
            "constraints": constraints,
        }

    def variable(self, var):
        where = f"variable {var.name}"
        if var.fixed:
            lower = upper = value(var)
        else:
            lower = _value(var.lower, f"{where} lower bound") if var.lower is not None else None
            upper = _value(var.upper, f"{where} upper bound") if var.upper is not None else None
        entry = {"name": var.name, "lower": lower, "upper": upper}
        if var.is_integer():
            entry["integer"] = True
        elif not var.is_continuous():
            raise UnsupportedModel(f"{where}: domain {var.domain} is neither continuous nor integer")
        return entry

    def linear(self, expression, where):
        """`(terms, constant)` of a linear expression; coefficients may be scale × one Param."""
        repn = generate_standard_repn(expression, compute_values=False, quadratic=False)
        if repn.nonlinear_expr is not None:
            raise UnsupportedModel(f"{where}: nonlinear term {repn.nonlinear_expr}; LiveSolve holds linear models only")
        terms = {}
        for coefficient, var in zip(repn.linear_coefs, repn.linear_vars):
            if var.name not in self.variables:
                raise UnsupportedModel(f"{where}: variable {var.name} is not part of this model")
            if var.name in terms:
                raise UnsupportedModel(f"{where}: variable {var.name} appears twice")
            terms[var.name] = _value(coefficient, f"{where}: coefficient of {var.name}")
        return terms, _value(repn.constant, f"{where}: constant")

    def constraint(self, constraint):
        where = f"constraint {constraint.name}"
        terms, constant = self.linear(constraint.body, where)
        entry = {"name": constraint.name, "terms": terms}
        for side, bound in (("lower", constraint.lower), ("upper", constraint.upper)):
            if bound is None:
                continue
            side_value = _value(bound, f"{where} {side} bound")
            if constant != 0:
                # A constant in the body moves to the bounds, which then must be plain numbers.
                if not isinstance(side_value, (int, float)) or not isinstance(constant, (int, float)):
                    raise UnsupportedModel(f"{where}: a constant beside a Param bound cannot be said as one value; move it into the Param")
                side_value -= constant
            entry[side] = side_value
        return entry


def _value(expression, where):
    """A number, a Param's name, or `{"param", "scale"}`: what a LiveSolve value can say."""
    parameters = list(identify_mutable_parameters(expression))
    if not parameters:
        number = value(expression)
        return int(number) if float(number).is_integer() and abs(number) < 2**53 else float(number)
    if len(parameters) > 1:
        names = ", ".join(sorted(p.name for p in parameters))
        raise UnsupportedModel(f"{where}: {expression} depends on several Params ({names}); LiveSolve takes a number times one Param")
    (parameter,) = parameters
    kept = parameter.value
    try:
        # Affine in the Param with no constant: e(0) = 0, and e(2) = 2·e(1).
        samples = []
        for point in (0, 1, 2):
            parameter.set_value(point)
            samples.append(value(expression))
    finally:
        parameter.set_value(kept)
    constant, scale, twice = samples
    if abs(constant) > 1e-12 or abs(twice - 2 * scale) > 1e-12 * max(1.0, abs(scale)):
        raise UnsupportedModel(f"{where}: {expression} is not a number times Param {parameter.name}")
    return parameter.name if scale == 1 else {"param": parameter.name, "scale": scale}


class LiveModel:
    """A Pyomo model held live on a server: `set` sends Param changes, `load_solution` reads back."""

    def __init__(self, model, client, name=None):
        translation = _Translation(model)
        self.pyomo, self.client = model, client
        self.document = translation.document
        self.variables, self.params = translation.variables, translation.params
        self.id = client.create(self.document, name=name)
        self.seq = 0

    def set(self, parameter, new_value):
        """Sets one mutable Param (here and on the server); returns the update's seq."""
        return self.set_many([(parameter, new_value)])

    def set_many(self, changes):
        """Sets several Params in one update; returns its seq.

        `changes`: a `pyomo.environ.ComponentMap` or a list of `(param, value)` pairs (a plain
        dict cannot hold Pyomo's Params as keys: they are unhashable), or a dict by Param name
        (`{"price[gas]": 2.5}`).
        """
        pairs = list(changes.items()) if hasattr(changes, "items") else list(changes)
        parameters, params = {}, []
        for parameter, new_value in pairs:
            name = parameter if isinstance(parameter, str) else parameter.name
            if name not in self.params:
                raise UnsupportedModel(f"{name}: not a mutable Param of this model")
            parameters[name] = new_value
            params.append((self.params[name], new_value))
        self.seq = self.client.update(self.id, parameters=parameters)
        for parameter, new_value in params:
            parameter.set_value(new_value)
        return self.seq

    def load_solution(self, timeout=None):
        """Waits for the final solution of the newest update sent and writes its values into the variables.

        Returns the `livesolve.Solution`; one that is not optimal (or feasible) raises `livesolve.LiveSolveError`.
        """
        from .errors import LiveSolveError

        for solution in self.client.subscribe(self.id, fields=["values"], timeout=timeout or self.client.timeout):
            if solution.seq >= self.seq and solution.final is not False:
                break
        if solution.status not in ("optimal", "feasible"):
            raise LiveSolveError(f"the solution of seq {solution.seq} is {solution.status}", code=solution.status, model=self.id)
        for name, var in self.variables.items():
            var.set_value(solution.values[name], skip_validation=True)
        return solution
