"""The local backend: a pool of worker processes on this machine.

At most ``parallel`` jobs are in the pool at once, so every job submitted is running.
When a worker process dies (killed for memory, a crash in native code), the pool is
broken: every job in it fails with `BrokenProcessPool`, whichever one killed it. Those
jobs count one attempt each and go back in the queue for a fresh pool, up to
``retries`` times; a job that has used them all ends as `Verdict.CRASHED`.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from periodize.batch.jobs import Job, Outcome, SolveSettings, Verdict, solve_job
from periodize.lifeline import exit_with_parent


@dataclass
class Activity:
    """What a backend is doing, for the progress display: solves running, retries."""

    running: int = 0
    retried: int = 0


def run_local(
    jobs: Sequence[Job],
    settings: SolveSettings,
    *,
    parallel: int,
    retries: int,
    activity: Activity | None = None,
) -> Generator[Outcome, None, None]:
    """Solve ``jobs`` on ``parallel`` worker processes; yield one outcome per job, in the
    order they finish."""
    activity = activity if activity is not None else Activity()
    queue = deque(jobs)
    attempts: dict[str, int] = {}
    while queue:
        with _pool(parallel) as pool:
            in_pool: dict[Future[Outcome], Job] = {}
            broken = False
            while queue or in_pool:
                while queue and not broken and len(in_pool) < parallel:
                    job = queue.popleft()
                    try:
                        future = pool.submit(solve_job, job, settings)
                    except BrokenProcessPool:  # a worker died since the last look
                        queue.appendleft(job)
                        broken = True
                        break
                    attempts[job.name] = attempts.get(job.name, 0) + 1
                    in_pool[future] = job
                activity.running = len(in_pool)
                if not in_pool:
                    break
                done, _ = wait(in_pool, return_when=FIRST_COMPLETED)
                for future in done:
                    job = in_pool.pop(future)
                    tries = attempts[job.name]
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if tries <= retries:
                            queue.append(job)
                            activity.retried += 1
                            continue
                        yield _crashed(job, tries)
                        continue
                    except Exception as error:  # its outcome could not come back: its row
                        yield _failed(job, tries, error)
                        continue
                    yield replace(outcome, attempts=tries)
            activity.running = 0


def _pool(parallel: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent runs threads (rich's refresh, CP-SAT's), which a forked
    # child would inherit in whatever state they were in.
    return ProcessPoolExecutor(
        max_workers=parallel,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
    )


def _start_worker() -> None:
    """Ctrl-C reaches the whole process group: the batch stops, idle workers stay quiet
    (a solve under way still stops at once: solve() routes SIGINT itself). A worker ends
    when the batch does, even when the batch is killed (`periodize.lifeline`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def _failed(job: Job, tries: int, error: Exception) -> Outcome:
    return _without_plan(job, tries, Verdict.FAILED, f"{type(error).__name__}: {error}")


def _crashed(job: Job, tries: int) -> Outcome:
    message = f"its worker process died on each of {tries} attempt(s)"
    return _without_plan(job, tries, Verdict.CRASHED, message)


def _without_plan(job: Job, tries: int, verdict: Verdict, message: str) -> Outcome:
    return Outcome(job.name, job.source, verdict, attempts=tries, message=message)
