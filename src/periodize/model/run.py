"""Running CP-SAT so that Ctrl-C stops the search and keeps the best solution found.

CP-SAT's own SIGINT handling stops a search silently. Here, for the length of a solve,
SIGINT only marks an `Interrupt` and stops the search under way; each search runs in a
worker thread while the main thread waits (so the handler runs promptly), and the caller
skips the stages still to come and returns the best plan found so far.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from ortools.sat.python import cp_model

WAIT_S = 0.1


@dataclass
class Interrupt:
    """Whether the user asked to stop (Ctrl-C) during a solve, and the search under way."""

    requested: bool = False
    current: cp_model.CpSolver | None = field(default=None, repr=False)

    def request(self) -> None:
        """Stop the search under way and every search still to come."""
        self.requested = True
        if self.current is not None:
            self.current.stop_search()


@contextmanager
def catching_sigint(interrupt: Interrupt) -> Iterator[Interrupt]:
    """Route SIGINT to ``interrupt`` while the block runs (main thread only: elsewhere
    Python cannot install handlers and Ctrl-C keeps its usual meaning)."""
    if threading.current_thread() is not threading.main_thread():
        yield interrupt
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        interrupt.request()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)


def new_solver() -> cp_model.CpSolver:
    """A CP-SAT solver that leaves SIGINT alone: CP-SAT's own handler, once it has run a
    search, leaves the default action behind, and Ctrl-C would then kill the process."""
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


def run_search(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    interrupt: Interrupt,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> cp_model.CpSolverStatus:
    """``solver.solve(model, callback)``, stoppable through ``interrupt``. Once the
    interrupt is requested it returns UNKNOWN without searching: a caller that sees
    ``interrupt.requested`` must read nothing from ``solver`` (not even its time: CP-SAT
    raises "solve() has not been called")."""
    if interrupt.requested:
        return cp_model.UNKNOWN
    done = threading.Event()
    outcome: list[cp_model.CpSolverStatus] = []

    def search() -> None:
        try:
            outcome.append(solver.solve(model, callback))
        finally:
            done.set()

    interrupt.current = solver
    try:
        threading.Thread(target=search, name="cp-sat", daemon=True).start()
        while not done.wait(WAIT_S):
            pass
    finally:
        interrupt.current = None
    return outcome[0] if outcome else cp_model.UNKNOWN
