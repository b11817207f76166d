"""A whole solution: what a subscriber sees after the client has applied every delta."""

from dataclasses import dataclass, field

# Protocol field names (camelCase) and this package's attributes.
MAPS = {
    "values": "values",
    "duals": "duals",
    "reducedCosts": "reduced_costs",
    "rowActivities": "row_activities",
    "costRanges": "cost_ranges",
    "rhsRanges": "rhs_ranges",
    "parameterRanges": "parameter_ranges",
}
FIELDS = {attribute: name for name, attribute in MAPS.items()}


@dataclass(frozen=True)
class Solution:
    model: str
    seq: int
    status: str
    objective: float = None
    values: dict = field(default_factory=dict)
    duals: dict = field(default_factory=dict)
    reduced_costs: dict = field(default_factory=dict)
    row_activities: dict = field(default_factory=dict)
    cost_ranges: dict = field(default_factory=dict)
    rhs_ranges: dict = field(default_factory=dict)
    parameter_ranges: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    message: str = None
    # Integer models only: False for an incumbent while the solve runs; with its bound and gap.
    final: bool = None
    bound: float = None
    gap: float = None

    @classmethod
    def from_full(cls, message):
        """A solution from one full `solution` message (a `get` answer, a REST body)."""
        view = View()
        view.apply(message)
        return view.solution()


class View:
    """A subscriber's reconstruction: the last full snapshot with each delta applied in order."""

    def __init__(self):
        self.maps = {name: {} for name in MAPS}
        self.message = None

    def apply(self, message):
        """Applies one `solution` message to the maps (a copy is made only when one is handed out)."""
        self.message = message
        for name, entries in self.maps.items():
            sent = message.get(name)
            if sent is None:
                continue  # no maps (an error, or no solution): they stay as they were
            if message.get("full"):
                entries.clear()
            for key, value in sent.items():
                # A band entry of null: the band is gone (a row whose bound is no longer active).
                if value is None and name in ("costRanges", "rhsRanges", "parameterRanges"):
                    entries.pop(key, None)
                else:
                    entries[key] = value

    def solution(self):
        """The whole view after the last message applied, as a `Solution` of its own."""
        message = self.message
        return Solution(
            model=message["model"], seq=message["seq"], status=message["status"],
            objective=message.get("objective"), stats=dict(message.get("stats", {})),
            message=message.get("message"), final=message.get("final"),
            bound=message.get("bound"), gap=message.get("gap"),
            **{MAPS[name]: dict(entries) for name, entries in self.maps.items()})
