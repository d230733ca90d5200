"""The service's limits and switches, in one frozen object built by `periodize serve`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from periodize.parsing import ParseLimits

API_KEY_ENV = "PERIODIZE_API_KEY"
"""The environment variable that switches API-key authentication on."""


@dataclass(frozen=True)
class ServiceSettings:
    """How much the service accepts and how it runs solves.

    ``workers`` solver processes run at once; up to ``queue_size`` more jobs wait, and a
    request beyond that gets 503 with ``Retry-After: retry_after_s``. A request may ask for
    at most ``max_time_limit_s`` (larger asks are capped) and a scenario of at most
    ``max_horizon_weeks``; a body larger than ``max_body_bytes``, or one that takes longer
    than ``parse_time_s`` to parse, gets 413 (`parse_limits`). A request's head and its body
    must each arrive within ``read_timeout_s`` (408 for a slow body; a slow head has its
    connection closed). A job whose worker process dies is run once more on a fresh one,
    ``worker_retries`` times at most. A job that runs
    ``job_grace_s`` past its time limit (an infeasible scenario's explanation included) is
    stopped and fails. Finished jobs are kept ``job_ttl_s`` seconds, at most ``jobs_kept``
    of them. A worker process is replaced after ``jobs_per_worker`` jobs, so that memory
    stays bounded. ``api_key``, when set, is required as ``Authorization: Bearer KEY`` on
    every endpoint but ``/v1/healthz``.
    """

    workers: int = 2
    queue_size: int = 8
    max_body_bytes: int = 1_048_576
    max_horizon_weeks: int = 52
    max_time_limit_s: float = 60.0
    default_time_limit_s: float = 10.0
    solver_threads: int | None = None
    job_grace_s: float = 30.0
    cancel_grace_s: float = 10.0
    job_ttl_s: float = 3600.0
    jobs_kept: int = 100
    jobs_per_worker: int = 50
    retry_after_s: int = 2
    parse_time_s: float = 0.5
    read_timeout_s: float = 10.0
    worker_retries: int = 1
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.workers < 1 or self.queue_size < 0:
            raise ValueError("workers must be at least 1 and queue_size at least 0")
        if self.default_time_limit_s > self.max_time_limit_s:
            object.__setattr__(self, "default_time_limit_s", self.max_time_limit_s)

    @property
    def threads_per_solve(self) -> int:
        """CP-SAT threads per solve: the machine's cores shared among the workers."""
        if self.solver_threads is not None:
            return self.solver_threads
        return max(1, (os.cpu_count() or 1) // self.workers)

    @property
    def parse_limits(self) -> ParseLimits:
        """How much one request body may ask of the parser (`periodize.parsing`): this
        server's body size and parse time, the usual depth, values and digits, and no
        YAML aliases."""
        return ParseLimits(max_bytes=self.max_body_bytes, time_s=self.parse_time_s, aliases=False)

    def time_limit(self, asked: float | None) -> float:
        """The time limit a request runs under: its own, capped by the server's maximum."""
        return min(asked if asked is not None else self.default_time_limit_s, self.max_time_limit_s)


def read_api_key(key_file: Path | None) -> str | None:
    """The API key: the first line of ``key_file`` if given, else ``PERIODIZE_API_KEY``;
    None (no authentication) when neither is set. An empty key file is an error (ValueError),
    never a silent switch to no authentication."""
    if key_file is not None:
        lines = key_file.read_text(encoding="utf-8").strip().splitlines()
        if not lines or not lines[0].strip():
            raise ValueError(f"{key_file}: the key file is empty")
        return lines[0].strip()
    return os.environ.get(API_KEY_ENV, "").strip() or None
