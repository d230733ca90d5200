"""periodize: optimal multi-week hybrid training plans with OR-Tools CP-SAT.

The public API, flat: `load_scenario` reads a scenario file, `solve` turns a `Scenario`
into a `Plan`, `check` verifies a plan against every hard rule independently of the
solver.
"""

from periodize.check import Violation, check
from periodize.loading import InputError, load_plan, load_scenario
from periodize.plan import Plan, Status
from periodize.scenario import Scenario
from periodize.solve import Progress, SolveOptions, solve

__all__ = [
    "InputError",
    "Plan",
    "Progress",
    "Scenario",
    "SolveOptions",
    "Status",
    "Violation",
    "check",
    "load_plan",
    "load_scenario",
    "solve",
]
