"""What one worker does: solve one scenario's text and render the files to write.

Everything here crosses process boundaries (a spawned pool worker, a Dask worker on
another machine), so jobs carry the scenario's text rather than its path, and outcomes
carry the rendered files: only the process that runs the batch writes to the output
folder, once per scenario.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from periodize.loading import InputError, scenario_from_text
from periodize.output import FORMATS, render_plan, render_session_files
from periodize.plan import Plan, Status
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve

PLAN_FILE = "plan.json"
"""The plan JSON of every scenario that was solved (any status)."""
VIEW_FILES = {
    name: entry.file_name
    for name, entry in FORMATS.items()
    if name != "json" and entry.write is not None and entry.files is None
}
"""The file of each view ``--format`` may ask for (json is always written): ``plan`` and
the format's extension (`periodize.output.FORMATS`)."""
WORKOUT_VIEWS = tuple(name for name, entry in FORMATS.items() if entry.files is not None)
"""The formats written a file per session, into `WORKOUTS_FOLDER` (fit, intervals)."""
WORKOUTS_FOLDER = "workouts"
"""Where a scenario's workout files go: ``OUT/NAME/workouts/``."""

CRASH_ONCE_ENV = "PERIODIZE_BATCH_CRASH_ONCE"
"""Test-only hook, ``STEM:MARKER``: the first solve of the scenario whose output name is
STEM creates the file MARKER and kills its own process with SIGKILL, as the kernel's
out-of-memory killer would; every later attempt finds MARKER and solves normally. It lets
the tests run the retry path of a worker that dies for real."""


class Verdict(StrEnum):
    """How one scenario of a batch ended: a plan status, or why there is no plan."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    """No plan within the time limit."""
    ERROR = "error"
    """Bad input: the file cannot be read, parsed or validated."""
    FAILED = "failed"
    """The solve raised an unexpected exception (a bug worth reporting)."""
    CRASHED = "crashed"
    """Its worker died on every attempt the retries allowed."""

    @property
    def solved(self) -> bool:
        return self in (Verdict.OPTIMAL, Verdict.FEASIBLE)


@dataclass(frozen=True)
class SolveSettings:
    """What every solve of a batch shares: the solver settings and the views to render."""

    time_limit_s: float = 30.0
    workers: int = 1
    seed: int = 1
    deterministic: bool = False
    formats: tuple[str, ...] = ()

    def options(self) -> SolveOptions:
        return SolveOptions(
            time_limit_s=self.time_limit_s,
            workers=self.workers,
            seed=self.seed,
            deterministic=self.deterministic,
        )


@dataclass(frozen=True)
class Job:
    """One scenario to solve: where it came from, its output name, its text and digest."""

    source: str
    name: str
    text: str

    @property
    def digest(self) -> str:
        """SHA-256 of the text: a completed output counts for this text only."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """How one scenario of a batch ended, with the files to write for it (name -> text).

    ``message`` holds the input error, the infeasibility explanation (one conflict a line)
    or why there is no plan; ``attempts`` counts the solves started (None where the
    backend cannot tell); ``resumed`` marks an outcome kept from an earlier run."""

    name: str
    source: str
    verdict: Verdict
    objective: int | None = None
    gap: float | None = None
    wall_s: float | None = None
    worker: str = ""
    attempts: int | None = 1
    message: str = ""
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    resumed: bool = False


def solve_job(job: Job, settings: SolveSettings) -> Outcome:
    """Validate and solve ``job``, and render its plan JSON and views; never raises for a
    bad scenario or a failing solve: the outcome says what happened."""
    _crash_if_asked(job)
    started = time.perf_counter()
    worker = worker_label()
    try:
        scenario = scenario_from_text(job.text, job.source)
        plan = solve(scenario, settings.options())
        files = render_files(scenario, plan, settings.formats)
    except InputError as error:
        return Outcome(job.name, job.source, Verdict.ERROR, worker=worker, message=str(error))
    except Exception as error:  # a bug in validation, the solver or a view: report it, go on
        return Outcome(
            job.name,
            job.source,
            Verdict.FAILED,
            wall_s=round(time.perf_counter() - started, 3),
            worker=worker,
            message=f"{type(error).__name__}: {error}",
        )
    return Outcome(
        job.name,
        job.source,
        Verdict(plan.status.value),
        objective=plan.stats.objective,
        gap=plan.stats.gap,
        wall_s=round(time.perf_counter() - started, 3),
        worker=worker,
        message=plan_message(plan, settings.time_limit_s),
        files=files,
    )


def render_files(
    scenario: Scenario, plan: Plan, formats: tuple[str, ...]
) -> dict[str, str | bytes]:
    """The plan JSON and, when there is a plan, each view in ``formats`` (the workout
    formats a file per session under `WORKOUTS_FOLDER`)."""
    files: dict[str, str | bytes] = {}
    if plan.has_plan:
        for view in formats:
            if view in VIEW_FILES:
                files[VIEW_FILES[view]] = render_plan(scenario, plan, view)
            elif view in WORKOUT_VIEWS:
                for name, content in render_session_files(plan, view).items():
                    files[f"{WORKOUTS_FOLDER}/{name}"] = content
    files[PLAN_FILE] = render_plan(scenario, plan, "json")
    return files


def plan_message(plan: Plan, time_limit_s: float) -> str:
    """What a plan without days has to say: the conflicting rules, or the time limit."""
    if plan.status is Status.INFEASIBLE:
        lines = ["infeasible: these rules cannot all hold"]
        lines += [f"{'+'.join(c.rules)}: {c.message}" for c in plan.conflicts]
        return "\n".join(lines)
    if plan.status is Status.UNKNOWN:
        return f"no plan found within {time_limit_s:g} s; raise --time-limit"
    return ""


def worker_label() -> str:
    """Who ran the solve: the Dask worker's address, or host and process id."""
    if "distributed" in sys.modules:  # never import Dask into a plain pool worker
        from distributed import get_worker

        try:
            return str(get_worker().address).split("://")[-1]
        except ValueError:
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _crash_if_asked(job: Job) -> None:
    """The test-only hook of `CRASH_ONCE_ENV`."""
    setting = os.environ.get(CRASH_ONCE_ENV, "")
    name, _, marker = setting.partition(":")
    if not marker or name != job.name:
        return
    try:
        with open(marker, "x", encoding="utf-8"):
            pass
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
