"""Solves, re-plans and explanations in a bounded pool of worker processes.

Each worker is a long-lived process (spawn context) that runs one task at a time in its
main thread, so that SIGINT stops the search under way and `solve` returns the best plan
found so far (`periodize.model.run`): cancelling a job is ``os.kill(worker, SIGINT)``.
Between tasks a worker ignores SIGINT. Progress reports and the result travel back over
the worker's pipe; the event loop waits on the pipe and on the process's sentinel, so a
worker that dies is seen at once: a fresh worker takes its place, and its job runs once
more on it (`ServiceSettings.worker_retries`) before it fails with a message. Every worker
ends when the server's process does, even when that is killed (`periodize.lifeline`). A
job that runs far past its time limit is interrupted, then killed.

At most ``workers`` jobs run and ``queue_size`` more wait; `WorkerPool.submit` raises
`QueueFull` beyond that.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any, Literal

from periodize.lifeline import exit_with_parent
from periodize.log import TrainingLog
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.service.models import ExplainResult, JobProgress, JobStatus, JobView
from periodize.service.settings import ServiceSettings

log = logging.getLogger("periodize.service")

POLL_S = 0.5
"""How often a running job's flags (cancel, deadline) are looked at."""
INTERRUPT_EVERY_S = 0.25
"""How often SIGINT is sent again to a worker asked to stop (one could land just before
its solve installs its handler)."""
STOP_WAIT_S = 3.0
"""How long shutting down waits for interrupted solves to hand back their plans."""


class QueueFull(Exception):
    """Every worker is busy and the queue of waiting jobs is full: try again later."""


@dataclass(frozen=True)
class Task:
    """What a worker is asked to do: solve or explain ``scenario``, or re-plan
    ``previous`` (a plan of ``scenario``) from ``today`` on around ``log``."""

    kind: Literal["solve", "explain", "replan"]
    scenario: Scenario
    time_limit_s: float
    seed: int = 1
    deterministic: bool = False
    threads: int = 1
    previous: Plan | None = None
    log: TrainingLog | None = None
    today: dt.date | None = None


# ----- the worker process -------------------------------------------------------------


def worker_main(conn: Connection) -> None:
    """A worker process: run tasks from ``conn`` until it closes, sending back progress
    reports and one result (or error) per task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a late cancel between tasks: nothing
    exit_with_parent()
    lock = threading.Lock()

    def send(message: tuple[str, Any]) -> None:
        with lock:  # progress comes from CP-SAT's thread, the result from the main one
            conn.send(message)

    import periodize.replan  # noqa: F401  (the solver: the slow import, before saying ready)

    try:
        send(("ready", os.getpid()))
    except OSError:
        return

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            send(("result", perform(task, send)))
        except (BrokenPipeError, EOFError):
            return
        except Exception as error:  # a library bug fails the task, not the worker
            try:
                send(("error", f"{type(error).__name__}: {error}"))
            except OSError:
                return


def perform(task: Task, send: Any) -> str:
    """Run ``task``; its result as JSON (a `Plan` or an `ExplainResult`)."""
    if task.kind == "explain":
        return explain_result(task.scenario, task.time_limit_s).model_dump_json()
    from periodize.replan import replan
    from periodize.solve import Progress, SolveOptions, solve

    def report(progress: Progress) -> None:
        send(("progress", (progress.stage, progress.elapsed_s, progress.objective, progress.bound)))

    options = SolveOptions(
        time_limit_s=task.time_limit_s,
        workers=task.threads,
        seed=task.seed,
        deterministic=task.deterministic,
    )
    if task.kind == "replan":
        if task.previous is None or task.log is None or task.today is None:
            raise ValueError("a re-plan task needs the previous plan, the log and today")
        plan = replan(task.scenario, task.previous, task.log, task.today, options, progress=report)
        return plan.model_dump_json()
    return solve(task.scenario, options, progress=report).model_dump_json()


def explain_result(scenario: Scenario, time_limit_s: float) -> ExplainResult:
    """`periodize.explain.explain` as a response body."""
    from periodize.explain import explain

    explanation = explain(scenario, time_limit_s=time_limit_s)
    if explanation is None:
        return ExplainResult(feasible=True)
    return ExplainResult(
        feasible=False,
        conflicts=explanation.conflicts,
        lines=tuple(explanation.lines()),
        fix=explanation.fix,
        minimal=explanation.minimal,
    )


# ----- jobs ----------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(eq=False)
class Job:
    """One task on its way through the pool, and how it ended."""

    task: Task
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: JobStatus = JobStatus.QUEUED
    created_at: dt.datetime = field(default_factory=_now)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress: JobProgress | None = None
    outcome: Plan | ExplainResult | None = None
    error: str | None = None
    retryable: bool = False
    """Whether the job failed for a reason that trying again may not meet (its worker died)."""
    attempts: int = 0
    """How often a worker has started it (a job whose worker dies runs once more)."""
    cancel_requested: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    worker: _Worker | None = field(default=None, repr=False)

    @property
    def plan(self) -> Plan | None:
        return self.outcome if isinstance(self.outcome, Plan) else None

    def view(self) -> JobView:
        """The job as the API shows it."""
        return JobView(
            id=self.id,
            status=self.status,
            time_limit_s=self.task.time_limit_s,
            created_at=self.created_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            progress=self.progress,
            plan=self.plan,
            error=self.error,
        )


class _Worker:
    """One worker process and the parent's end of its pipe; spawned on first use."""

    def __init__(self, context: SpawnContext) -> None:
        self._context = context
        self.process: SpawnProcess | None = None
        self.conn: Connection | None = None
        self.tasks = 0
        self.ready = False

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def spawn(self) -> None:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(child,), name="periodize-worker", daemon=True
        )
        process.start()
        child.close()
        self.process, self.conn, self.tasks, self.ready = process, parent, 0, False

    def interrupt(self) -> None:
        """SIGINT: the solve under way stops and returns its best plan. Never sent before
        the worker is ready (until then SIGINT would kill it)."""
        if self.ready and self.process is not None and self.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGINT)

    def kill(self) -> None:
        """Stop the process now; the next task spawns a fresh one."""
        if self.process is not None:
            self.process.kill()
        self._forget()

    def retire(self) -> None:
        """Close the pipe: the worker exits when it reads the end of it."""
        self._forget()

    def _forget(self) -> None:
        process, conn = self.process, self.conn
        self.process, self.conn = None, None
        if conn is not None:
            conn.close()
        if process is not None:
            threading.Thread(target=_reap, args=(process,), daemon=True).start()

    async def receive(self, timeout: float) -> tuple[str, Any] | None:
        """The next message, or None after ``timeout`` seconds without one. Raises
        `WorkerDied` when the process has ended."""
        conn, process = self.conn, self.process
        assert conn is not None
        assert process is not None
        if not conn.poll():
            await _readable([conn.fileno(), process.sentinel], timeout)
        try:
            if conn.poll():
                message: tuple[str, Any] = conn.recv()
                return message
        except (EOFError, OSError):
            pass
        if not process.is_alive():
            process.join(0.1)
            raise WorkerDied(process.exitcode)
        return None


class WorkerDied(Exception):
    """The worker process ended while it held a task."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


def _reap(process: SpawnProcess) -> None:
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join(5)


async def _readable(fds: list[int], timeout: float) -> None:
    """Return when one of ``fds`` is readable, or after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    for fd in fds:
        loop.add_reader(fd, wake)
    try:
        await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        pass
    finally:
        for fd in fds:
            loop.remove_reader(fd)


class WorkerPool:
    """A bounded pool of worker processes and the queue of jobs waiting for them."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self._context) for _ in range(settings.workers)]
        self._waiting: collections.deque[Job] = collections.deque()
        self._wakeup: asyncio.Event | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._current: dict[int, Job] = {}
        self._unfinished = 0
        self.running = 0

    @property
    def queued(self) -> int:
        return len(self._waiting)

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (tests kill one to see a job fail)."""
        return [w.pid for w in self._workers if w.alive and w.pid is not None]

    async def start(self) -> None:
        """Spawn the workers (they import the solver in the background) and start
        handing them jobs."""
        self._wakeup = asyncio.Event()
        for worker in self._workers:
            worker.spawn()
        self._loops = [asyncio.create_task(self._serve(w)) for w in self._workers]

    def submit(self, task: Task) -> Job:
        """Queue ``task``; raises `QueueFull` when ``workers + queue_size`` jobs are
        already running or waiting."""
        if self._wakeup is None:
            raise RuntimeError("the worker pool is not started")
        if self._unfinished >= self.settings.workers + self.settings.queue_size:
            raise QueueFull
        job = Job(task)
        self._unfinished += 1
        self._waiting.append(job)
        self._wakeup.set()
        return job

    def cancel(self, job: Job) -> None:
        """Stop ``job``: a waiting job ends at once (no plan); a running solve is
        interrupted and ends with the best plan found so far (await ``job.done``)."""
        if job.status.finished:
            return
        job.cancel_requested = True
        if job in self._waiting:
            self._waiting.remove(job)
            self._finish(job, JobStatus.CANCELLED)
        elif job.worker is not None:
            job.worker.interrupt()

    async def stop(self) -> None:
        """Cancel every job, give interrupted solves a moment to return, end the workers."""
        for job in list(self._waiting):
            self.cancel(job)
        busy = [job for job in self._current.values() if job.status is JobStatus.RUNNING]
        for job in busy:
            self.cancel(job)
        if busy:
            await asyncio.wait(
                [asyncio.create_task(j.done.wait()) for j in busy], timeout=STOP_WAIT_S
            )
        for loop in self._loops:
            loop.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        for worker in self._workers:
            worker.kill()

    async def _next(self) -> Job:
        assert self._wakeup is not None
        while not self._waiting:
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._waiting.popleft()

    async def _serve(self, worker: _Worker) -> None:
        while True:
            job = await self._next()
            self.running += 1
            self._current[id(worker)] = job
            try:
                await self._run(worker, job)
            except asyncio.CancelledError:
                worker.kill()
                self._finish(job, JobStatus.FAILED, "the server is shutting down", retryable=True)
                raise
            except Exception as error:  # never leave a job hanging
                log.exception("job %s failed in the pool", job.id)
                worker.kill()
                reason = f"internal error: {type(error).__name__}"
                self._finish(job, JobStatus.FAILED, reason, retryable=True)
            finally:
                self.running -= 1
                self._current.pop(id(worker), None)

    async def _run(self, worker: _Worker, job: Job) -> None:
        settings = self.settings
        if not worker.alive or worker.tasks >= settings.jobs_per_worker:
            worker.retire()
            worker.spawn()
        if not await self._until_ready(worker, job):
            return
        assert worker.conn is not None
        job.status, job.started_at, job.worker = JobStatus.RUNNING, _now(), worker
        job.attempts += 1
        worker.conn.send(job.task)
        worker.tasks += 1
        started = time.monotonic()
        deadline = started + job.task.time_limit_s + settings.job_grace_s
        stopping_since: float | None = None
        overdue = False
        while True:
            now = time.monotonic()
            if stopping_since is None and (job.cancel_requested or now > deadline):
                stopping_since, overdue = now, not job.cancel_requested
            if stopping_since is not None:
                if now - stopping_since > settings.cancel_grace_s:
                    worker.kill()
                    if overdue:
                        self._finish(job, JobStatus.FAILED, self._overdue(job))
                    else:
                        self._finish(job, JobStatus.CANCELLED, "stopped: it did not end in time")
                    return
                worker.interrupt()
            wait = INTERRUPT_EVERY_S if stopping_since else min(POLL_S, deadline - now)
            try:
                message = await worker.receive(max(0.01, wait))
            except WorkerDied as died:
                worker.kill()
                self._run_again_or_fail(job, f"the worker process stopped ({died})")
                return
            if message is None:
                continue
            kind, payload = message
            if kind == "progress":
                job.progress = JobProgress.of(*payload)
            elif kind == "result":
                job.outcome = await asyncio.to_thread(_parse, job.task, payload)
                status = JobStatus.CANCELLED if job.cancel_requested else JobStatus.DONE
                self._finish(job, status)
                return
            elif job.cancel_requested:  # stopped before any plan (see the found bugs)
                self._finish(
                    job, JobStatus.CANCELLED, f"stopped before a plan was found ({payload})"
                )
                return
            else:
                self._finish(job, JobStatus.FAILED, f"the solver failed: {payload}")
                return

    async def _until_ready(self, worker: _Worker, job: Job) -> bool:
        """Wait until ``worker`` has started (imported the solver); False when ``job``
        was cancelled meanwhile or the worker died (the job is then finished)."""
        while not worker.ready:
            if job.cancel_requested:
                self._finish(job, JobStatus.CANCELLED)
                return False
            try:
                message = await worker.receive(POLL_S)
            except WorkerDied as died:
                worker.kill()
                reason = f"the worker process stopped ({died})"
                self._finish(job, JobStatus.FAILED, reason, retryable=True)
                return False
            if message is not None and message[0] == "ready":
                worker.ready = True
        return True

    def _run_again_or_fail(self, job: Job, reason: str) -> None:
        """``job``'s worker died under it (killed for memory, a crash in native code): it
        goes back to the head of the queue for a fresh worker, unless it was cancelled or
        has had its `ServiceSettings.worker_retries`; then it fails."""
        if job.cancel_requested or job.attempts > self.settings.worker_retries:
            tries = f" on each of {job.attempts} attempts" if job.attempts > 1 else ""
            self._finish(
                job, JobStatus.FAILED, f"{reason} while running this job{tries}", retryable=True
            )
            return
        log.warning("job %s: %s; running it again", job.id, reason)
        job.status, job.worker, job.started_at, job.progress = JobStatus.QUEUED, None, None, None
        self._waiting.appendleft(job)
        assert self._wakeup is not None
        self._wakeup.set()

    def _overdue(self, job: Job) -> str:
        limit = job.task.time_limit_s + self.settings.job_grace_s
        return f"stopped: still running {limit:g} s after it started"

    def _finish(
        self, job: Job, status: JobStatus, error: str | None = None, *, retryable: bool = False
    ) -> None:
        if job.status.finished:
            return
        job.status, job.error, job.finished_at = status, error, _now()
        job.retryable = retryable
        job.worker = None
        self._unfinished -= 1
        job.done.set()


def _parse(task: Task, payload: str) -> Plan | ExplainResult:
    if task.kind == "explain":
        return ExplainResult.model_validate_json(payload)
    return Plan.model_validate_json(payload)


class JobRegistry:
    """The asynchronous jobs the API knows by id: unfinished ones, and finished ones for
    ``ttl_s`` seconds, at most ``kept`` of those (oldest dropped first)."""

    def __init__(self, kept: int, ttl_s: float) -> None:
        self._jobs: dict[str, Job] = {}
        self._kept, self._ttl_s = kept, ttl_s

    def add(self, job: Job) -> None:
        self._evict()
        self._jobs[job.id] = job

    def get(self, job_id: str) -> Job | None:
        self._evict()
        return self._jobs.get(job_id)

    def _evict(self) -> None:
        now = _now()
        finished = sorted(
            (j for j in self._jobs.values() if j.finished_at is not None),
            key=lambda j: j.finished_at or now,
        )
        expired = [
            j for j in finished if (now - (j.finished_at or now)).total_seconds() > self._ttl_s
        ]
        surplus = finished[: max(0, len(finished) - self._kept)]
        for job in [*expired, *surplus]:
            self._jobs.pop(job.id, None)
