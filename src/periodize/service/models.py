"""Bodies of the HTTP API that are not library models: jobs, check and explain results,
health, and problems (errors). Plans and scenarios travel as the library's own models.

This module needs only pydantic and the library, so `periodize.client` can import it
without FastAPI.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from periodize.check import Violation
from periodize.plan import Conflict, Plan


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Problem(_Body):
    """An error: one line per problem, the same lines the command line prints."""

    detail: tuple[str, ...] = Field(description="One message per problem.")


class JobStatus(StrEnum):
    """Where a job stands: waiting, solving, or finished one of three ways."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.CANCELLED, JobStatus.FAILED)


class JobProgress(_Body):
    """The latest progress report of a running solve (a stage's best plan so far)."""

    stage: str = Field(description="construction, recipes or objective.")
    elapsed_s: float
    objective: float | None = Field(description="Best objective found so far.")
    bound: float | None = Field(description="Best proven bound on the objective.")
    gap: float | None = Field(description="Relative gap between objective and bound.")

    @classmethod
    def of(cls, stage: str, elapsed_s: float, objective: float, bound: float) -> JobProgress:
        """A report from a solve's numbers; non-finite numbers become null."""

        def finite(value: float) -> float | None:
            return value if math.isfinite(value) else None

        best, proven = finite(objective), finite(bound)
        gap: float | None = None
        if best is not None and proven is not None:
            if best == 0:
                gap = 0.0 if proven == 0 else None
            else:
                gap = abs(best - proven) / max(1.0, abs(best))
        return cls(
            stage=stage, elapsed_s=round(elapsed_s, 3), objective=best, bound=proven, gap=gap
        )


class JobView(_Body):
    """An asynchronous solve: its status, latest progress, and the plan once finished
    (a cancelled job carries the best plan found before it stopped, if any)."""

    id: str
    status: JobStatus
    time_limit_s: float = Field(description="The time limit the solve runs under.")
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress: JobProgress | None = None
    plan: Plan | None = None
    error: str | None = Field(default=None, description="Why a failed job failed.")


class CheckResult(_Body):
    """What the independent checker found: no violation means the plan holds every rule."""

    ok: bool
    violations: tuple[Violation, ...] = ()


class ExplainResult(_Body):
    """Why a scenario is infeasible: a minimal set of conflicting rules with a checked fix;
    ``feasible`` true (and no conflicts) when every hard rule can hold."""

    feasible: bool
    conflicts: tuple[Conflict, ...] = ()
    lines: tuple[str, ...] = Field(default=(), description="The explanation as text lines.")
    fix: str | None = None
    minimal: bool = Field(default=True, description="Whether minimality was proven in time.")


class Health(_Body):
    """The server is up; how busy its worker pool is."""

    status: str = "ok"
    workers: int
    running: int
    queued: int
    queue_size: int
