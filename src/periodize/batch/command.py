"""``periodize batch``: solve many scenario files in parallel, locally or on Dask."""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from periodize.batch.cluster import connect, local_cluster, run_dask, threads_by_host
from periodize.batch.jobs import (
    VIEW_FILES,
    WORKOUT_VIEWS,
    WORKOUTS_FOLDER,
    Job,
    Outcome,
    SolveSettings,
    Verdict,
    usable_cores,
)
from periodize.batch.local import Activity, run_local
from periodize.batch.outputs import (
    SUMMARY_FILE,
    OutputRefused,
    completed_outcome,
    find_scenarios,
    output_names,
    prepare_output_dir,
    read_job,
    write_outcome,
)
from periodize.batch.summary import exit_code, notes, to_csv, to_table
from periodize.exit_codes import EXIT_INCOMPLETE, EXIT_INPUT, EXIT_INTERRUPTED
from periodize.extras import require_extra
from periodize.loading import InputError
from periodize.output import FORMATS as OUTPUT_FORMATS
from periodize.output import write_atomically

if TYPE_CHECKING:
    from distributed import Client

FORMATS = tuple(OUTPUT_FORMATS)
"""What ``--format`` may name: every output format (json is always written)."""


@dataclass(frozen=True)
class Parallelism:
    """How many solves run at once, how many CP-SAT workers each gets, and a warning when
    together they ask for more threads than there are cores."""

    jobs: int
    workers: int
    warning: str | None = None


def choose_parallelism(
    cores: int, jobs: int | None, workers: int | None, *, deterministic: bool = False
) -> Parallelism:
    """Parallel solves x CP-SAT workers per solve, filling ``cores`` without
    oversubscribing them: by default one worker per solve and one solve per core; given
    one of the two, the other is the cores divided by it (at least 1)."""
    if deterministic:
        workers = 1  # a deterministic solve uses one worker whatever is asked
    if jobs is None and workers is None:
        workers = 1
    if workers is None:
        assert jobs is not None
        workers = max(1, cores // jobs)
    if jobs is None:
        jobs = max(1, cores // workers)
    warning = None
    if jobs * workers > cores:
        warning = (
            f"warning: {jobs} parallel solves x {workers} CP-SAT workers = {jobs * workers} "
            f"threads on {cores} cores: the solves slow each other down and each time limit "
            f"buys less search; use --jobs {max(1, cores // workers)} or "
            f"--workers {max(1, cores // jobs)}"
        )
    return Parallelism(jobs, workers, warning)


class _CountsColumn(ProgressColumn):
    """Scenarios failed and running, read afresh at every refresh."""

    def __init__(self, activity: Activity, failed: list[int]) -> None:
        super().__init__()
        self._activity, self._failed = activity, failed

    def render(self, task: Task) -> Text:
        return Text(f"{self._failed[0]} failed, {self._activity.running} running")


class BatchProgress:
    """A rich progress bar on stderr when it is a terminal (scenarios done, failed,
    running), with each failure printed above it; otherwise one line per scenario."""

    def __init__(self, total: int, activity: Activity, *, quiet: bool) -> None:
        self.console = Console(stderr=True)
        self.quiet = quiet
        self.live = not quiet and self.console.is_terminal
        self.activity = activity
        self._failed = [0]
        self._retried = 0
        self._progress = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("done"),
            _CountsColumn(activity, self._failed),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.live,
        )
        self._task = self._progress.add_task("batch", total=total)

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def finished(self, outcome: Outcome) -> None:
        """Count ``outcome`` and say what happened to it: always when it has no plan; when
        it has one, only as a plain line (no bar) and not ``quiet``."""
        if not outcome.verdict.solved:
            self._failed[0] += 1
        self._progress.advance(self._task)
        if self.activity.retried > self._retried:
            count = self.activity.retried - self._retried
            self._retried = self.activity.retried
            self._say(f"a worker process died: {count} scenario(s) went back in the queue")
        if outcome.verdict.solved and (self.quiet or self.live):
            return
        if outcome.resumed and self.quiet:
            return
        self._say(describe_outcome(outcome))

    def _say(self, line: str) -> None:
        if self.live:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, err=True)


def describe_outcome(outcome: Outcome) -> str:
    """One line for ``outcome`` (an infeasible one adds a line per conflicting rule)."""
    head = f"{outcome.source}: "
    if outcome.resumed:
        return f"{head}{outcome.verdict.value}, kept from an earlier run"
    if outcome.verdict.solved:
        gap = "-" if outcome.gap is None else f"{outcome.gap:.1%}"
        return (
            f"{head}{outcome.verdict.value}, objective {outcome.objective}, gap {gap}, "
            f"{outcome.wall_s:.1f} s on {outcome.worker}"
        )
    if outcome.verdict is Verdict.ERROR:
        return outcome.message  # loading's messages open with the file name already
    first, *rest = outcome.message.splitlines() or [""]
    if outcome.verdict in (Verdict.CRASHED, Verdict.FAILED):
        first = f"{outcome.verdict.value}: {first}"
    return "\n".join([head + first, *(f"  {line}" for line in rest)])


@click.command("batch")
@click.argument("sources", nargs=-1, required=True, metavar="DIR|GLOB...")
@click.option(
    "--output-dir",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the outputs: OUT/NAME/ per scenario, OUT/summary.csv.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="A view to write besides plan.json (repeatable): "
    + ", ".join(f"{name} ({VIEW_FILES[name]})" for name in FORMATS if name in VIEW_FILES)
    + "; "
    + ", ".join(WORKOUT_VIEWS)
    + f" (a file per session in OUT/NAME/{WORKOUTS_FOLDER}/).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Parallel solves (default: the cores over --workers). With --local-cluster: the "
    "cluster's worker processes; with --scheduler the cluster decides.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Solve on this Dask distributed cluster instead of local processes.",
)
@click.option(
    "--local-cluster",
    "use_local_cluster",
    is_flag=True,
    help="Start a Dask LocalCluster on loopback (--jobs worker processes) and solve on it.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds for each solve.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="CP-SAT workers per solve (default: 1, or the cores over --jobs).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--deterministic",
    is_flag=True,
    help="One worker and a deterministic time limit per solve: reproducible plans.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="How often a scenario whose worker died is tried again.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip scenarios whose output is complete (optimal, feasible or infeasible, for "
    "the same file content).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress bar and no line per solved scenario (failures are still reported).",
)
def batch_command(
    sources: Sequence[str],
    output_dir: Path,
    formats: Sequence[str],
    jobs: int | None,
    scheduler: str | None,
    use_local_cluster: bool,
    time_limit: float,
    workers: int | None,
    seed: int,
    deterministic: bool,
    retries: int,
    resume: bool,
    quiet: bool,
) -> None:
    """Solve every scenario of DIR (its .yaml, .yml and .json files) or GLOB in parallel.

    Each scenario NAME gets OUT/NAME/ with plan.json, the views asked for with --format,
    and result.json, written last: a folder without it is incomplete. A bad file, an
    infeasible scenario or a dead worker never stops the batch; a scenario whose worker
    dies is tried again (--retries). At the end, a summary table on stdout and
    OUT/summary.csv: scenario, status, objective, gap, wall time, worker.

    Exit codes: 0 every scenario has a plan; otherwise the highest that applies: 2 a bad
    file (or bad options), 3 an infeasible scenario, 4 no plan within the time limit,
    5 a worker died on every attempt, a solve failed unexpectedly or the cluster could
    not be reached; 130 interrupted (run again with --resume to go on).
    """
    if scheduler is not None and use_local_cluster:
        raise click.UsageError("--scheduler and --local-cluster exclude each other")
    if scheduler is not None or use_local_cluster:
        require_extra("cluster", "--scheduler" if scheduler is not None else "--local-cluster")
    for view in dict.fromkeys(formats):
        ready = OUTPUT_FORMATS[view].ready
        if ready is not None:
            ready()  # a missing extra (fit) is an input error before any solve
    paths = find_scenarios(sources)
    if not paths:
        raise InputError(f"{' '.join(sources)}: no scenario files (.yaml, .yml, .json)")
    names = output_names(paths)
    parallelism = choose_parallelism(usable_cores(), jobs, workers, deterministic=deterministic)
    if parallelism.warning and scheduler is None:
        click.echo(parallelism.warning, err=True)
    settings = SolveSettings(
        time_limit_s=time_limit,
        workers=parallelism.workers,
        seed=seed,
        deterministic=deterministic,
        formats=tuple(dict.fromkeys(view for view in formats if view != "json")),
    )

    prepare_output_dir(output_dir)
    finished, to_solve = _triage(paths, names, output_dir, settings.formats, resume=resume)
    digests = {job.name: job.digest for job in to_solve}

    activity = Activity()
    order = [names[path] for path in paths]
    try:
        with BatchProgress(len(paths), activity, quiet=quiet) as progress:
            for name, outcome in list(finished.items()):
                if not outcome.resumed:
                    finished[name] = outcome = _recorded(output_dir, outcome, None)
                progress.finished(outcome)
            if to_solve:
                with _outcomes(
                    to_solve,
                    settings,
                    scheduler=scheduler,
                    use_local_cluster=use_local_cluster,
                    parallelism=parallelism,
                    retries=retries,
                    activity=activity,
                ) as stream:
                    for outcome in stream:
                        if outcome.name in finished:
                            continue  # a task that ran twice (Dask may): keep the first
                        outcome = _recorded(output_dir, outcome, digests.get(outcome.name))
                        finished[outcome.name] = replace(outcome, files={})  # on disk now
                        progress.finished(outcome)
    except KeyboardInterrupt:
        done = [finished[name] for name in order if name in finished]
        _summarise(output_dir, done, table=False, quiet=quiet)
        click.echo(
            f"interrupted with {len(finished)} of {len(paths)} scenarios done; "
            "run again with --resume to go on",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)  # click would turn the interrupt into exit 1
    for name, path in zip(order, paths, strict=True):  # a job no backend reported
        finished.setdefault(name, _lost(name, path))
    outcomes = [finished[name] for name in order]
    written = _summarise(output_dir, outcomes, table=True, quiet=quiet)
    code = exit_code(outcomes) if written else max(exit_code(outcomes), EXIT_INPUT)
    if code:
        sys.exit(code)


def _triage(
    paths: Sequence[Path],
    names: Mapping[Path, str],
    output_dir: Path,
    formats: Sequence[str],
    *,
    resume: bool,
) -> tuple[dict[str, Outcome], list[Job]]:
    """The outcomes known before solving (unreadable files; with ``resume``, complete
    folders), and the jobs to solve."""
    known: dict[str, Outcome] = {}
    to_solve: list[Job] = []
    for path in paths:
        item = read_job(path, names[path])
        if isinstance(item, Outcome):
            known[item.name] = item
        elif resume and (kept := completed_outcome(output_dir, item, formats)):
            known[item.name] = kept
        else:
            to_solve.append(item)
    return known, to_solve


@contextmanager
def _outcomes(
    jobs: Sequence[Job],
    settings: SolveSettings,
    *,
    scheduler: str | None,
    use_local_cluster: bool,
    parallelism: Parallelism,
    retries: int,
    activity: Activity,
) -> Iterator[Generator[Outcome, None, None]]:
    """The outcomes of ``jobs`` from the backend the options choose."""
    if scheduler is None and not use_local_cluster:
        stream = run_local(
            jobs,
            settings,
            parallel=min(parallelism.jobs, len(jobs)),
            retries=retries,
            activity=activity,
        )
        try:
            yield stream
        finally:
            stream.close()
        return
    with ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(connect(scheduler))
            except (OSError, TimeoutError) as error:
                click.echo(f"{scheduler}: cannot reach the Dask scheduler ({error})", err=True)
                sys.exit(EXIT_INCOMPLETE)
        else:
            client = stack.enter_context(local_cluster(min(parallelism.jobs, len(jobs)), retries))
        _advise_cluster(client, settings.workers)
        stream = run_dask(jobs, settings, client, activity=activity)
        try:
            yield stream
        finally:
            stream.close()


def _advise_cluster(client: Client, workers: int) -> None:
    """Warn when a host of the cluster runs more CP-SAT threads than it has cores."""
    for host, (threads, cores) in sorted(threads_by_host(client).items()):
        if threads * workers > cores:
            click.echo(
                f"warning: {host} runs {threads} solves at once x {workers} CP-SAT workers "
                f"= {threads * workers} threads on {cores} cores: use --workers "
                f"{max(1, cores // threads)}",
                err=True,
            )


def _recorded(output_dir: Path, outcome: Outcome, digest: str | None) -> Outcome:
    """``outcome`` once its files are written in its folder; when they cannot be (a
    read-only folder, a name that would not be a folder inside OUT), an error outcome
    that says why, so the batch goes on with the other scenarios."""
    try:
        write_outcome(output_dir, outcome, digest)
    except OutputRefused as error:
        if outcome.verdict is Verdict.ERROR:
            return outcome  # it says why already (`read_job`)
        return _unwritten(outcome, str(error))
    except OSError as error:
        where = error.filename or output_dir / outcome.name
        return _unwritten(outcome, f"cannot write {where}: {error.strerror or error}")
    return outcome


def _unwritten(outcome: Outcome, why: str) -> Outcome:
    return replace(outcome, verdict=Verdict.ERROR, message=f"{outcome.source}: {why}", files={})


def _lost(name: str, path: Path) -> Outcome:
    return Outcome(name, str(path), Verdict.CRASHED, attempts=None, message="no result came back")


def _summarise(output_dir: Path, outcomes: Sequence[Outcome], *, table: bool, quiet: bool) -> bool:
    """Write OUT/summary.csv and, with ``table``, print the summary table on stdout.
    False when the summary file cannot be written (the table is printed all the same)."""
    summary = output_dir / SUMMARY_FILE
    try:
        write_atomically(summary, to_csv(outcomes))
    except OSError as error:
        click.echo(f"{summary}: cannot be written ({error.strerror or error})", err=True)
        return False
    if table:
        console = Console()
        console.print(to_table(outcomes))
        for line in notes(outcomes):
            console.print(line, markup=False, highlight=False, overflow="ellipsis", no_wrap=True)
    if not quiet:
        click.echo(f"summary: {summary}", err=True)
    return True
