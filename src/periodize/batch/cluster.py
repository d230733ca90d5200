"""The Dask backend: the same jobs on a `distributed` cluster.

Every job is one task. A worker that dies has its tasks rescheduled by the scheduler on
the workers left (the nanny restarts the dead one); a task that was running on
``allowed-failures`` + 1 dead workers fails with `KilledWorker` and ends as
`Verdict.CRASHED`. For a LocalCluster started here, ``allowed-failures`` is the batch's
``--retries``; an existing scheduler keeps its own setting (Dask's default is 3).

`distributed` is imported only when a cluster is used: the rest of the command line
starts without it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from periodize.batch.jobs import Job, Outcome, SolveSettings, Verdict, solve_job, usable_cores
from periodize.batch.local import Activity

if TYPE_CHECKING:
    from distributed import Client


@contextmanager
def local_cluster(n_workers: int, retries: int) -> Iterator[Client]:
    """A client of a fresh LocalCluster on loopback: ``n_workers`` worker processes of
    one thread each, under nannies that restart a worker that dies."""
    import dask
    from distributed import Client, LocalCluster

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": retries}),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address`` (tcp://HOST:PORT)."""
    from distributed import Client

    with Client(address, timeout="10s") as client:  # type: ignore[no-untyped-call]
        yield client


def run_dask(
    jobs: Sequence[Job],
    settings: SolveSettings,
    client: Client,
    *,
    activity: Activity | None = None,
) -> Generator[Outcome, None, None]:
    """Solve ``jobs`` as tasks on ``client``'s cluster; yield one outcome per job, in the
    order they finish."""
    from distributed import KilledWorker, as_completed

    activity = activity if activity is not None else Activity()
    slots = max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
    tasks = {
        client.submit(
            solve_job, job, settings, key=f"periodize-{job.name}-{uuid.uuid4().hex}", pure=False
        ): job
        for job in jobs
    }
    waiting = len(tasks)
    activity.running = min(waiting, slots)
    for task in as_completed(tasks):  # type: ignore[no-untyped-call]
        job = tasks[task]
        try:
            outcome: Outcome = task.result()
        except KilledWorker as error:
            outcome = Outcome(
                job.name,
                job.source,
                Verdict.CRASHED,
                attempts=None,
                message=f"its worker died on every attempt the scheduler allows ({error})",
            )
        except Exception as error:  # the task could not run or its result not come back
            outcome = Outcome(
                job.name,
                job.source,
                Verdict.FAILED,
                attempts=None,
                message=f"{type(error).__name__}: {error}",
            )
        else:
            outcome = replace(outcome, attempts=None)
        task.release()
        waiting -= 1
        activity.running = min(waiting, slots)
        yield outcome


def threads_by_host(client: Client) -> Mapping[str, tuple[int, int]]:
    """For each host of the cluster: its worker threads (tasks run at once) and cores."""
    workers = client.scheduler_info()["workers"]
    cores: dict[str, int] = client.run(usable_cores)
    by_host: dict[str, tuple[int, int]] = {}
    for address, worker in workers.items():
        host = str(worker["host"])
        threads, host_cores = by_host.get(host, (0, 0))
        by_host[host] = (threads + int(worker["nthreads"]), cores.get(address, host_cores))
    return by_host
