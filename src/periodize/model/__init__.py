"""The CP-SAT backend: variables, one function per rule, the objective, and their wiring.

Knows nothing of files or the command line; `periodize.solve` drives it.
"""

from periodize.model.build import BuiltModel, build_model
from periodize.model.guards import GuardMode

__all__ = ["BuiltModel", "GuardMode", "build_model"]
