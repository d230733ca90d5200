"""Library bugs found while building the HTTP service, kept failing until fixed.

Cancelling a job sends SIGINT to the worker running `periodize.solve`, which promises to
stop and return the best plan found so far. When the SIGINT lands after the week-by-week
construction has produced a complete plan (reported through ``progress`` as stage
``construction`` with its objective) but before the first stage of the full model has
started, `solve` raises ``RuntimeError: solve() has not been called.``: `run_search` skips
the search because the interrupt is already set, and `_solve` then reads
``solver.deterministic_time`` of a solver that never ran (solve.py, recipes stage). Even
past that, the constructed plan would be dropped: with no stage solution, `_solve`
returns status ``unknown`` (no days) although a complete plan that holds every hard rule
was in hand. The same loss shows without any signal: a short time limit on a busy machine
ends ``unknown`` after the construction reported a plan.

The service works around the first part: a job cancelled that way ends ``cancelled``
with no plan and the error as its message.
"""

from __future__ import annotations

import os
import signal

import periodize
from conftest import SCENARIOS
from periodize.solve import Progress


def test_sigint_after_construction_returns_the_constructed_plan() -> None:
    scenario = periodize.load_scenario(SCENARIOS / "half-marathon-8-weeks.yaml")
    stages: list[str] = []

    def cancel_after_construction(progress: Progress) -> None:
        stages.append(progress.stage)
        if progress.stage == "construction":
            os.kill(os.getpid(), signal.SIGINT)  # what DELETE /v1/jobs/{id} does

    plan = periodize.solve(
        scenario,
        periodize.SolveOptions(time_limit_s=10, workers=1),
        progress=cancel_after_construction,
    )
    assert stages == ["construction"]
    assert plan.has_plan
