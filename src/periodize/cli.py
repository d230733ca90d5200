"""The ``periodize`` command line: thin click commands over the library.

Exit codes (`periodize.exit_codes`): 0 a plan or a passing check; 1 a check that found
violations; 2 an input error; 3 an infeasible scenario; 4 no plan within the time limit.
Data goes to stdout, messages to stderr, never a traceback for bad input.

The library (pydantic, OR-Tools, the views) is imported inside the commands that use
it, and ``batch`` and ``serve`` when they run, so that ``periodize --version`` and
``--help`` answer at once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import click

from periodize.errors import InputError
from periodize.exit_codes import (
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NO_PLAN,
    EXIT_VIOLATIONS,
)
from periodize.output import (
    DETAILS,
    FIT_EXTRA_HINT,
    FORMATS,
    Detail,
    RenderOptions,
    Target,
    choose_target,
    ensure_writable,
    render_plan,
    render_session_files,
    write_atomically,
    write_folder,
)
from periodize.vocabulary import WEEKDAYS, Phase, Slot

if TYPE_CHECKING:
    from periodize.calendar import Week
    from periodize.fitlog import FitLog
    from periodize.log import TrainingLog
    from periodize.plan import Plan
    from periodize.scenario import Scenario
    from periodize.solve import Progress, ProgressHook, SolveOptions

ENV_PREFIX = "PERIODIZE_"
"""Options that name an environment variable take their default from it
(``PERIODIZE_TIME_LIMIT=60``); the command line's own option wins."""


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """Print ``message`` to stderr and exit with ``code``."""
    click.echo(message, err=True)
    sys.exit(code)


class _CommandGroup(click.Group):
    """The ``periodize`` group. ``batch`` and ``serve`` live in their own packages and pull
    in Dask and the service when imported, so they are imported when run; the group's
    help lists them from the one-line summaries here."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "batch": (
            "periodize.batch.command",
            "batch_command",
            "Solve every scenario of DIR|GLOB... in parallel, each into OUT/NAME/.",
        ),
        "serve": ("periodize.service.command", "serve", "Serve the HTTP API until interrupted."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute, _ = self.lazy[cmd_name]
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][2]))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=formatter.width)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=_CommandGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="periodize")
def cli() -> None:
    """Optimal multi-week hybrid training plans: road, trail, hiking, cross-training.

    New here? `periodize example` lists scenarios to start from; `periodize example NAME
    -o mine.yaml` writes one to edit; `periodize solve mine.yaml -o plan.json` solves it;
    `periodize render mine.yaml plan.json -o plan.md` (or .ics, .html) shows that same
    plan to the athlete.

    Exit codes: 0 plan found or check passed; 1 check found violations; 2 bad input;
    3 infeasible scenario; 4 no plan within the time limit.
    """


# ----- validate, schema, example ---------------------------------------------------------


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
def validate(scenarios: Sequence[str]) -> None:
    """Validate scenario files and summarise each valid one.

    Prints one line per file; exits 2 if any file is invalid.
    """
    from periodize.loading import load_scenario

    invalid = 0
    for source in scenarios:
        try:
            scenario = load_scenario(source)
        except InputError as error:
            invalid += 1
            click.echo(str(error), err=True)
            continue
        click.echo(f"{source}: valid - {describe(scenario)}")
    if invalid:
        sys.exit(EXIT_INPUT)


def phase_outline(calendar: Sequence[Week]) -> str:
    """The phases as week ranges, then the recovery weeks: ``weeks 1-6 base, 7-12 build,
    13-15 peak, 16 taper; recovery weeks 4, 8, 12``."""
    runs: list[tuple[Phase, int, int]] = []
    for week in calendar:
        if runs and runs[-1][0] is week.phase:
            runs[-1] = (week.phase, runs[-1][1], week.index)
        else:
            runs.append((week.phase, week.index, week.index))
    spans = [f"{first}-{last}" if last > first else f"{first}" for _, first, last in runs]
    named = [f"{span} {run[0].value}" for span, run in zip(spans, runs, strict=True)]
    text = "weeks " + ", ".join(named)
    recovery = [str(week.index) for week in calendar if week.recovery]
    if recovery:
        text += f"; recovery week{'s' if len(recovery) > 1 else ''} {', '.join(recovery)}"
    return text


def describe(scenario: Scenario) -> str:
    """A one-line summary: horizon, phases, availability and terrain."""
    available = [
        f"{day.value} {slots.minutes_text()}"
        for day, slots in sorted(
            scenario.availability.items(), key=lambda item: WEEKDAYS.index(item[0])
        )
    ]
    terrains = ", ".join(
        f"{terrain.value} {'all' if access == 'all' else '/'.join(d.value for d in access)}"
        for terrain, access in scenario.terrain.items()
    )
    race = scenario.race
    goal = f"{race.kind.value} race {race.distance_km:g} km on {race.date}" if race else "no race"
    return (
        f"{scenario.name!r}: {scenario.horizon_weeks} weeks from {scenario.start} ({goal}); "
        f"{phase_outline(scenario.calendar)}; availability {', '.join(available) or 'none'}; "
        f"terrain {terrains or 'none'}"
    )


@cli.command()
def schema() -> None:
    """Print the scenario JSON Schema."""
    import json

    from periodize.scenario import Scenario

    click.echo(json.dumps(Scenario.model_json_schema(), indent=2))


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the scenario here instead of to stdout (never over an existing file).",
)
@click.option("--force", is_flag=True, help="With -o: overwrite an existing file.")
def example(name: str | None, output: Path | None, force: bool) -> None:
    """Write a shipped scenario to start your own from; without NAME, list them.

    `periodize example` lists the shipped scenarios and who each is about; `periodize
    example NAME -o mine.yaml` writes one (never over an existing file). Each file opens
    with comments saying who the athlete is; edit the name, dates, availability, terrain
    and goal, then `periodize validate` and `periodize solve` it.
    """
    from periodize.examples import example_names, example_summary, example_text

    if name is None:
        for known in example_names():
            click.echo(f"{known}: {example_summary(example_text(known))}")
        return
    text = example_text(name)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        fail(f"{output} exists: choose another name, or add --force to overwrite it")
    write_atomically(output, text)
    click.echo(f"wrote {output}: edit it, then `periodize solve {output}`", err=True)


# ----- options shared by the commands that print a plan -----------------------------------


class SolveStatus:
    """The live status line of a solve: elapsed time (ticking), and the stage, best
    objective, bound and gap of the latest progress report."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.latest: Progress | None = None

    def report(self, progress: Progress) -> None:
        """The progress hook: remember the latest report."""
        self.latest = progress

    def __rich__(self) -> str:
        elapsed = time.perf_counter() - self.started
        latest = self.latest
        if latest is None:
            return f"solving: {elapsed:.1f} s, building the model"
        gap = f"{latest.gap:.1%}" if latest.gap is not None else "-"
        return (
            f"{latest.stage}: {elapsed:.1f} s, best {latest.objective:.0f}, "
            f"bound {latest.bound:.0f}, gap {gap}"
        )


@contextmanager
def _live_progress(quiet: bool) -> Iterator[ProgressHook | None]:
    """A live status line on stderr while the solve runs, when stderr is a terminal and
    not --quiet; it clears itself when the solve ends. Yields the progress hook, or None."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    status = SolveStatus()
    with Console(stderr=True).status(status):
        yield status.report


def _clock_option(_context: click.Context, parameter: click.Parameter, value: str) -> dt.time:
    from periodize.views.ics import parse_clock

    try:
        return parse_clock(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=parameter) from None


def _apply(command: Callable[..., None], options: Sequence[Callable[..., Any]]) -> Any:
    for option in reversed(options):
        command = option(command)
    return command


def _format_help() -> str:
    names = "; ".join(
        f"{entry.name} ({', '.join(entry.extensions)}): {entry.summary}"
        for entry in FORMATS.values()
    )
    return (
        f"How to write the plan: {names}. Default: what -o's extension says, else table. "
        "A --format that contradicts -o's extension is refused."
    )


def _view_options(command: Callable[..., None]) -> Any:
    """The options of every command that writes a plan out (solve, replan, render)."""
    return _apply(
        command,
        [
            click.option(
                "--format",
                "output_format",
                type=click.Choice(list(FORMATS)),
                default=None,
                help=_format_help(),
            ),
            click.option(
                "--output",
                "-o",
                "outputs",
                multiple=True,
                type=click.Path(),
                help="Write here, atomically, in the format its extension names; repeat to "
                "write one plan in several formats (-o plan.json -o plan.md -o plan.ics). A "
                "folder (DIR/) takes a file per session in a workout format (--format fit "
                "or intervals); workout files of an earlier export that the plan no longer "
                "has are removed from it.",
            ),
            click.option(
                "--detail",
                type=click.Choice(DETAILS),
                default="athlete",
                show_default=True,
                envvar=f"{ENV_PREFIX}DETAIL",
                show_envvar=True,
                help="athlete: the plan in training words; coach: add a coach's section with "
                "the solve's status, gap and soft terms (table, md, html).",
            ),
            _slot_time_option(Slot.AM, "07:00"),
            _slot_time_option(Slot.PM, "18:00"),
        ],
    )


def _slot_time_option(slot: Slot, default: str) -> Callable[..., Any]:
    """``--am-time`` or ``--pm-time``: when the calendar's sessions of ``slot`` start."""
    return click.option(
        f"--{slot.value}-time",
        default=default,
        show_default=True,
        callback=_clock_option,
        envvar=f"{ENV_PREFIX}{slot.value.upper()}_TIME",
        show_envvar=True,
        help=f"ics: when {slot.value} sessions start (HH:MM).",
    )


def _time_limit_option(help_text: str) -> Callable[..., Any]:
    return click.option(
        "--time-limit",
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        envvar=f"{ENV_PREFIX}TIME_LIMIT",
        show_envvar=True,
        help=help_text,
    )


def _solver_options(command: Callable[..., None]) -> Any:
    """The options of every command that solves (solve, replan)."""
    return _apply(
        command,
        [
            _time_limit_option("Seconds for the whole solve."),
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=None,
                envvar=f"{ENV_PREFIX}WORKERS",
                show_envvar=True,
                help="CP-SAT workers (default: the machine's cores).",
            ),
            click.option(
                "--seed",
                type=int,
                default=1,
                show_default=True,
                envvar=f"{ENV_PREFIX}SEED",
                show_envvar=True,
                help="Random seed.",
            ),
            click.option(
                "--deterministic",
                is_flag=True,
                help="One worker and a deterministic time limit: the same input gives the same "
                "plan, byte for byte.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="No progress on stderr."),
        ],
    )


@dataclass(frozen=True)
class PlanOutput:
    """Where and how a command writes its plan: each target's format and file (None for
    stdout), who the views are for, and the slots' start times."""

    targets: tuple[Target, ...]
    detail: Detail
    am_time: dt.time
    pm_time: dt.time

    @classmethod
    def of(
        cls,
        output_format: str | None,
        outputs: Sequence[str],
        detail: Detail,
        am_time: dt.time,
        pm_time: dt.time,
    ) -> PlanOutput:
        """The targets of ``--format`` and ``-o``; an `InputError` when a file's extension
        names no format or contradicts ``--format``, a folder has no workout format, a
        format's extra is missing, or a file cannot be written there (raised before any
        solve)."""
        given: Sequence[str | None] = outputs or [None]
        targets = tuple(choose_target(output_format, output) for output in given)
        for target in targets:
            if target.path is not None:
                # a folder is checked as the place of its files
                ensure_writable(target.path / "workout" if target.folder else target.path)
        return cls(targets, detail, am_time, pm_time)

    def options(self, width: int) -> RenderOptions:
        return RenderOptions(
            slot_times={Slot.AM: self.am_time, Slot.PM: self.pm_time},
            detail=self.detail,
            width=width,
        )


def write_plan(scenario: Scenario, plan: Plan, out: PlanOutput) -> None:
    """Render ``plan`` for every target, then write them: files atomically, folders a file
    per session, stdout as text (the table in colour on a terminal). Every view is
    rendered before any file is written, so a failing view leaves no file behind; a plan
    without days writes no workouts."""
    terminal = shutil.get_terminal_size().columns
    rendered: list[tuple[Target, str | bytes | Mapping[str, str | bytes]]] = []
    for target in out.targets:
        fmt, path = target.format, target.path
        if target.folder:
            if plan.has_plan:
                rendered.append((target, render_session_files(plan, fmt.name)))
            continue
        options = out.options(100 if path else terminal)
        rendered.append((target, render_plan(scenario, plan, fmt.name, options)))
    for target, content in rendered:
        fmt, path = target.format, target.path
        if isinstance(content, Mapping):
            assert path is not None  # a folder target has its path
            try:
                write_folder(path, content)
            except OSError as error:
                fail(f"{path}: cannot be written ({error.strerror or error})")
            click.echo(f"{path}: {_count(len(content), f'{fmt.name} workout file')}", err=True)
        elif path is not None:
            try:
                write_atomically(path, content)
            except OSError as error:
                fail(f"{path}: cannot be written ({error.strerror or error})")
        elif fmt.name == "table" and sys.stdout.isatty():
            from rich.console import Console

            from periodize.views import table as table_view

            Console().print(table_view.render(scenario, plan, coach=out.detail == "coach"))
        elif isinstance(content, bytes):
            if sys.stdout.isatty():
                fail(f"{fmt.name} is a binary format: write it to a file with -o")
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            click.echo(content, nl=False)


def _emit(scenario: Scenario, plan: Plan, out: PlanOutput, time_limit: float) -> None:
    """Print or write ``plan``, then exit 3 with the explanation when it is infeasible and
    4 when no plan was found in time."""
    from periodize.plan import Status

    write_plan(scenario, plan, out)
    if plan.status is Status.INFEASIBLE:
        lines = [f"{scenario.name}: infeasible: these rules cannot all hold"]
        lines += [f"  {'+'.join(c.rules)}: {c.message}" for c in plan.conflicts]
        fail("\n".join(lines), EXIT_INFEASIBLE)
    if plan.status is Status.UNKNOWN:
        fail(
            f"{scenario.name}: no plan found within {time_limit:g} s; raise --time-limit",
            EXIT_NO_PLAN,
        )


def _solve_options(
    time_limit: float, workers: int | None, seed: int, deterministic: bool
) -> SolveOptions:
    from periodize.solve import SolveOptions

    return SolveOptions(
        time_limit_s=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )


def solve_scenario(
    scenario: Scenario, options: SolveOptions, progress: ProgressHook | None = None
) -> Plan:
    """`periodize.solve`, the one library call behind ``periodize solve``."""
    from periodize.solve import solve

    return solve(scenario, options, progress=progress)


# ----- solve, replan, render ---------------------------------------------------------------


@cli.command()
@click.argument("scenario_file", metavar="SCENARIO")
@_view_options
@_solver_options
def solve(
    scenario_file: str,
    output_format: str | None,
    outputs: tuple[str, ...],
    detail: Detail,
    am_time: dt.time,
    pm_time: dt.time,
    time_limit: float,
    workers: int | None,
    seed: int,
    deterministic: bool,
    quiet: bool,
) -> None:
    """Solve SCENARIO (a YAML or JSON file, - for stdin) and print the plan.

    Keep the plan: `-o plan.json`, then `periodize render SCENARIO plan.json -o plan.md`
    (or .ics, .html) draws that same plan again without solving. Exit codes: 0 plan
    (optimal or feasible), 2 bad input, 3 infeasible, 4 no plan within the time limit.
    """
    from periodize.loading import load_scenario

    out = PlanOutput.of(output_format, outputs, detail, am_time, pm_time)
    scenario = load_scenario(scenario_file)
    options = _solve_options(time_limit, workers, seed, deterministic)
    with _live_progress(quiet) as progress:
        plan = solve_scenario(scenario, options, progress)
    _emit(scenario, plan, out, time_limit)


def _date_option(_context: click.Context, parameter: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD", param=parameter
        ) from None


def _count(number: int, word: str) -> str:
    """``1 session``, ``2 sessions``."""
    return f"{number} {word}{'' if number == 1 else 's'}"


@cli.command("replan")
@click.argument("scenario_file", metavar="SCENARIO")
@click.argument("plan_file", metavar="PLAN.json")
@click.option(
    "--done",
    "log_file",
    required=True,
    metavar="LOG",
    help="Training log of what was really done: YAML, CSV ending in .csv, or FIT activity "
    "files as a watch records them (a .fit file or a folder of them; `periodize log` shows "
    "what they read as).",
)
@click.option(
    "--today",
    required=True,
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="The first day to re-plan; the days before it are what LOG says.",
)
@_view_options
@_solver_options
def replan_command(
    scenario_file: str,
    plan_file: str,
    log_file: str,
    today: dt.date,
    output_format: str | None,
    outputs: tuple[str, ...],
    detail: Detail,
    am_time: dt.time,
    pm_time: dt.time,
    time_limit: float,
    workers: int | None,
    seed: int,
    deterministic: bool,
    quiet: bool,
) -> None:
    """Re-plan PLAN.json from --today on, around what LOG says was done.

    The days before --today become what LOG says; the rest of the plan (solved from
    SCENARIO) is solved again, changing as few future sessions as it can (S5, objective:
    stability). The output lists the changed sessions (JSON: "changes"). Exit codes as for solve.
    """
    from periodize.loading import load_plan, load_scenario
    from periodize.matching import ensure_plan_of
    from periodize.replan import replan

    out = PlanOutput.of(output_format, outputs, detail, am_time, pm_time)
    scenario = load_scenario(scenario_file)
    previous = load_plan(plan_file)
    ensure_plan_of(scenario, previous, plan_file)
    log = load_done(log_file, scenario)
    options = _solve_options(time_limit, workers, seed, deterministic)
    with _live_progress(quiet) as progress:
        plan = replan(scenario, previous, log, today, options, progress=progress)
    if not quiet and plan.has_plan:
        click.echo(f"{_count(len(plan.changes), 'session')} changed from {today} on", err=True)
        for change in plan.changes:
            before, after = change.before or "rest", change.after or "rest"
            click.echo(f"  {change.date} {change.slot}: {before} -> {after}", err=True)
    _emit(scenario, plan, out, time_limit)


@cli.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.argument("plan_file", metavar="PLAN.json")
@_view_options
def render(
    scenario_file: str,
    plan_file: str,
    output_format: str | None,
    outputs: tuple[str, ...],
    detail: Detail,
    am_time: dt.time,
    pm_time: dt.time,
) -> None:
    """Write PLAN.json (solved from SCENARIO) in other formats, without solving.

    One plan, every view: `periodize render mine.yaml plan.json -o plan.md -o plan.ics
    -o plan.html` gives the athlete the same plan three ways. A plan of another scenario
    (name or dates) is refused. Exits 0, or 2 on bad input.
    """
    from periodize.loading import load_plan, load_scenario
    from periodize.matching import ensure_plan_of

    out = PlanOutput.of(output_format, outputs, detail, am_time, pm_time)
    scenario = load_scenario(scenario_file)
    plan = load_plan(plan_file)
    ensure_plan_of(scenario, plan, plan_file)
    write_plan(scenario, plan, out)


# ----- explain, check ---------------------------------------------------------------------


@cli.command("explain")
@click.argument("scenario_file", metavar="SCENARIO")
@_time_limit_option("Seconds for finding and shrinking the conflict.")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Explain this day of a solved plan instead: the rules that bind it and the soft "
    "terms it serves.",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False),
    help="With --date: the solved plan (JSON) to explain; solved afresh when omitted.",
)
def explain_command(
    scenario_file: str, time_limit: float, day: dt.datetime | None, plan_file: str | None
) -> None:
    """Explain why SCENARIO is infeasible, or (--date) why a day of its plan is so.

    Without --date: a minimal set of rules that cannot hold together, with the numbers
    involved and a checked fix. With --date D: the rules that bind that day of a solved
    plan and the soft terms it serves.

    Exits 0 when the scenario is feasible (or the day was explained), 3 when it is
    infeasible (explanation on stdout).
    """
    from periodize.explain import explain
    from periodize.loading import load_scenario

    scenario = load_scenario(scenario_file)
    if day is not None:
        explain_one_day(scenario, day.date(), plan_file, time_limit)
        return
    explanation = explain(scenario, time_limit_s=time_limit)
    if explanation is None:
        click.echo(f"{scenario.name}: feasible: every hard rule can hold")
        return
    click.echo(f"{scenario.name}: infeasible: these rules cannot all hold")
    for line in explanation.lines():
        click.echo(f"  {line}")
    sys.exit(EXIT_INFEASIBLE)


def explain_one_day(
    scenario: Scenario, day: dt.date, plan_file: str | None, time_limit: float
) -> None:
    """`periodize explain --date`: solve (or load) the plan, then explain that day."""
    from periodize.explain import explain_day
    from periodize.loading import load_plan
    from periodize.matching import ensure_plan_of
    from periodize.solve import SolveOptions

    if not scenario.start <= day <= scenario.end:
        fail(f"--date {day} is outside the plan ({scenario.start} to {scenario.end})")
    if plan_file is not None:
        plan = load_plan(plan_file)
        ensure_plan_of(scenario, plan, plan_file)
    else:
        plan = solve_scenario(scenario, SolveOptions(time_limit_s=time_limit))
    if not plan.has_plan:
        fail(f"{scenario.name}: no plan to explain ({plan.status.value})", EXIT_INFEASIBLE)
    for line in explain_day(scenario, plan, day, time_limit_s=time_limit).lines():
        click.echo(line)


@cli.command("check")
@click.argument("scenario_file", metavar="SCENARIO")
@click.argument("plan_file", metavar="PLAN.json")
@click.option(
    "--done",
    "log_file",
    metavar="LOG",
    help="A re-plan's training log (YAML, CSV or FIT activities, as for replan): the days "
    "before --today must be what it says, and they are history (rules are judged on the "
    "weeks from today's on). A rule the logged days alone already broke is fine when the "
    "plan lists it as broken_by_log and the days from today add nothing to it.",
)
@click.option(
    "--today",
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="With --done: the re-plan's first day (default: the plan's replanned_from, else "
    "the day after the log's last entry).",
)
def check_command(
    scenario_file: str, plan_file: str, log_file: str | None, today: dt.date | None
) -> None:
    """Verify PLAN.json against every hard rule of SCENARIO.

    The checker is independent of the solver. Prints each violation; exits 0 when there
    is none, 1 when there are, 2 on bad input (a plan of another scenario, or a plan with
    no days, is bad input).
    """
    from periodize.check import check
    from periodize.loading import load_plan, load_scenario
    from periodize.matching import ensure_days, ensure_plan_of

    if today is not None and log_file is None:
        fail("--today needs --done LOG (the log of the days before it)")
    scenario = load_scenario(scenario_file)
    plan = load_plan(plan_file)
    ensure_plan_of(scenario, plan, plan_file)
    ensure_days(plan, plan_file, "check")
    log = load_done(log_file, scenario) if log_file is not None else None
    violations = check(scenario, plan, done=log, today=today)
    for violation in violations:
        where = f"week {violation.week}" if violation.week is not None else "plan"
        if violation.date is not None:
            where += f" {violation.date}"
        click.echo(f"{violation.rule} {where}: {violation.message}")
    if violations:
        click.echo(_count(len(violations), "violation"), err=True)
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"{plan_file}: no violation of any hard rule", err=True)


# ----- training logs: FIT activities --------------------------------------------------------


def load_done(source: str, scenario: Scenario) -> TrainingLog:
    """The training log of ``--done``: FIT activities (a .fit file or a folder, each file
    that is not one reported on stderr and skipped), else a YAML or CSV log."""
    from periodize.loading import load_log
    from periodize.log import is_fit_source

    if not is_fit_source(source):
        return load_log(source)
    found = read_fit_files(scenario, [source])
    if not found.inferred:
        fail(f"{source}: no activity could be read as a training log")
    return found.log


def read_fit_files(scenario: Scenario, sources: Sequence[str]) -> FitLog:
    """`periodize.fitlog.read_fit_log` over ``sources``, each skipped file reported on
    stderr; an `InputError` for a missing source or the fit extra not installed."""
    from periodize.log import LogError

    try:
        fitlog = importlib.import_module("periodize.fitlog")
    except ModuleNotFoundError as error:
        raise InputError(
            f"reading FIT files needs {error.name or 'garmin-fit-sdk'}, which is not "
            f"installed: {FIT_EXTRA_HINT}"
        ) from None
    try:
        found: FitLog = fitlog.read_fit_log(scenario, sources)
    except LogError as error:
        raise InputError(f"log: {error}") from None
    for skipped in found.skipped:
        click.echo(skipped.text(), err=True)
    return found


@cli.command("log")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option(
    "--scenario",
    "scenario_file",
    metavar="SCENARIO",
    help="The scenario whose athlete's heart-rate zones (athlete.hr) give each activity's "
    "RPE and whose catalogue the activities are matched to (default: the built-in "
    "catalogue, no zones).",
)
def log_command(sources: Sequence[str], scenario_file: str | None) -> None:
    """Print the training log that FIT activity files read as.

    One YAML entry per activity, each under the inferences that made it (as comments):
    date and slot from the local start, minutes from the timer, modality and terrain from
    sport and sub-sport, RPE from the average heart rate against the athlete's zones (else
    the matched kind's), the matched kind. Files that are not activities (settings,
    workouts, monitoring), damaged, truncated or too short are named on stderr with the
    reason and skipped. The output is a log for --done: check it, correct it, save it.
    Exits 2 when nothing could be read.
    """
    from periodize.loading import load_scenario

    scenario = load_scenario(scenario_file) if scenario_file else _catalogue_only()
    found = read_fit_files(scenario, sources)
    if not found.inferred:
        fail("no activity could be read as a training log")
    click.echo(log_yaml(found), nl=False)


def _catalogue_only() -> Scenario:
    """A scenario that only lends the built-in catalogue (no zones) to `periodize log`."""
    from periodize.scenario import Scenario

    return Scenario.model_validate(
        {
            "name": "built-in catalogue",
            "start": "2000-01-03",
            "weeks": 1,
            "athlete": {"level": "intermediate", "weekly_minutes": 0, "long_minutes": 0},
        }
    )


def log_yaml(found: FitLog) -> str:
    """A FIT log as a YAML log file, each entry under its inferences as comments."""
    import yaml

    lines = ["# Training log read from FIT activity files by `periodize log`."]
    for item in found.inferred:
        lines.append(f"# {item.activity.source} ({item.activity.device})")
        lines += [f"#   {reason}" for reason in item.reasons]
        entry = item.entry.model_dump(mode="json", exclude_none=True)
        text = yaml.safe_dump([entry], default_flow_style=None, sort_keys=False, width=1000)
        lines.append(text.rstrip("\n"))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``periodize`` console script (and ``python -m periodize``)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="periodize")
    except InputError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
