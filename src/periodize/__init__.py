"""periodize: optimal multi-week hybrid training plans with OR-Tools CP-SAT.

The public API, flat: `load_scenario` reads a scenario file, `solve` turns a `Scenario`
into a `Plan`, `check` verifies a plan against every hard rule independently of the
solver, and `replan` re-solves the rest of a plan around a training log
(`load_log`) of what was really done.
"""

from periodize.check import Violation, check
from periodize.loading import InputError, load_log, load_plan, load_scenario
from periodize.log import TrainingLog
from periodize.plan import Plan, Status
from periodize.replan import replan
from periodize.scenario import Scenario
from periodize.solve import Progress, SolveOptions, solve

__all__ = [
    "InputError",
    "Plan",
    "Progress",
    "Scenario",
    "SolveOptions",
    "Status",
    "TrainingLog",
    "Violation",
    "check",
    "load_log",
    "load_plan",
    "load_scenario",
    "replan",
    "solve",
]
