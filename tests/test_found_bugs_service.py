"""Library bugs found while building the HTTP service (fixed; kept as regression tests).

Cancelling a job sends SIGINT to the worker running `periodize.solve`, which promises to
stop and return the best plan found so far. When the SIGINT landed after the week-by-week
construction had produced a complete plan (reported through ``progress`` as stage
``construction`` with its objective) but before the first stage of the full model had
started, `solve` raised ``RuntimeError: solve() has not been called.`` (`run_search`
skipped the search because the interrupt was already set, and `_solve` then read
``solver.deterministic_time`` of a solver that never ran). Past that, the constructed
plan was dropped: with no stage solution, `_solve` returned status ``unknown`` although a
complete plan that holds every hard rule was in hand; a short time limit on a busy
machine showed the same loss without any signal. Fixed in bbbf2f4 (solve keeps the
completed construction as its fallback plan).

The service still guards the first part: a job whose solve raises after a cancel ends
``cancelled`` with the error as its message.
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
    assert set(stages) == {"construction"}  # nothing ran after the interrupt
    assert plan.has_plan
