"""periodize: optimal multi-week hybrid training plans with OR-Tools CP-SAT.

The public API, flat: `load_scenario` reads a scenario file, `solve` turns a `Scenario`
into a `Plan`, `check` verifies a plan against every hard rule independently of the
solver, and `replan` re-solves the rest of a plan around a training log
(`load_log`) of what was really done.

The names are imported on first use, so that ``import periodize.cli`` (and
``periodize --version``) does not load OR-Tools.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from periodize.check import Violation, check
    from periodize.errors import InputError
    from periodize.loading import load_log, load_plan, load_scenario
    from periodize.log import TrainingLog
    from periodize.plan import Plan, Status
    from periodize.replan import replan
    from periodize.scenario import Scenario
    from periodize.solve import Progress, SolveOptions, solve

_SOURCES: dict[str, str] = {
    "InputError": "periodize.errors",
    "Plan": "periodize.plan",
    "Progress": "periodize.solve",
    "Scenario": "periodize.scenario",
    "SolveOptions": "periodize.solve",
    "Status": "periodize.plan",
    "TrainingLog": "periodize.log",
    "Violation": "periodize.check",
    "check": "periodize.check",
    "load_log": "periodize.loading",
    "load_plan": "periodize.loading",
    "load_scenario": "periodize.loading",
    "replan": "periodize.replan",
    "solve": "periodize.solve",
}
"""Each public name and the module that defines it."""

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'periodize' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_SOURCES})


class _Package(types.ModuleType):
    """The package's module type. Importing a submodule sets it as an attribute of the
    package; for `check`, `replan` and `solve`, whose functions share their module's
    name, that would hide the function, so those module attributes are not kept (the
    modules stay importable as ``periodize.solve`` and so on)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SOURCES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
