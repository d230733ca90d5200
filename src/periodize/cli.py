"""The ``periodize`` command line: thin click commands over the library.

Exit codes (plan.md): 0 a plan or a passing check; 1 a check that found violations;
2 an input error; 3 an infeasible scenario; 4 no plan within the time limit.
Data goes to stdout, messages to stderr, never a traceback for bad input.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from periodize.batch import batch_command
from periodize.check import check
from periodize.explain import explain, explain_day
from periodize.loading import InputError, load_log, load_plan, load_scenario
from periodize.plan import Plan, Status
from periodize.replan import replan
from periodize.scenario import Scenario
from periodize.service.command import serve
from periodize.solve import Progress, ProgressHook, SolveOptions
from periodize.solve import solve as solve_scenario
from periodize.views import html as html_view
from periodize.views import ics as ics_view
from periodize.views import markdown as markdown_view
from periodize.views import table as table_view
from periodize.vocabulary import WEEKDAYS, Slot

EXIT_OK, EXIT_VIOLATIONS, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_PLAN = 0, 1, 2, 3, 4


def fail(message: str, code: int = EXIT_INPUT) -> None:
    """Print ``message`` to stderr and exit with ``code``."""
    click.echo(message, err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="periodize")
def cli() -> None:
    """Optimal multi-week hybrid training plans: road, trail, hiking, cross-training.

    Exit codes: 0 plan found or check passed; 1 check found violations; 2 bad input;
    3 infeasible scenario; 4 no plan within the time limit.
    """


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
def validate(scenarios: Sequence[str]) -> None:
    """Validate scenario files and summarise each valid one.

    Prints one line per file; exits 2 if any file is invalid.
    """
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


def describe(scenario: Scenario) -> str:
    """A one-line summary: horizon, phases, availability and terrain."""
    phases: list[str] = []
    for week in scenario.calendar:
        tag = week.phase.value[0].upper() + ("r" if week.recovery else "")
        phases.append(tag)
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
        f"phases {' '.join(phases)}; availability {', '.join(available) or 'none'}; "
        f"terrain {terrains or 'none'}"
    )


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
    status = SolveStatus()
    with Console(stderr=True).status(status):
        yield status.report


def _clock_option(_context: click.Context, parameter: click.Parameter, value: str) -> dt.time:
    try:
        return ics_view.parse_clock(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=parameter) from None


def render_plan(
    output_format: str,
    scenario: Scenario,
    plan: Plan,
    *,
    slot_times: Mapping[Slot, dt.time] | None = None,
) -> str:
    """``plan`` as text in ``output_format`` (table, json, md, ics or html)."""
    if output_format == "json":
        return plan.to_json() + "\n"
    if output_format == "md":
        return markdown_view.render(scenario, plan)
    if output_format == "ics":
        return ics_view.render(scenario, plan, slot_times=slot_times)
    if output_format == "html":
        return html_view.render(scenario, plan)
    return table_view.to_text(scenario, plan, width=shutil.get_terminal_size().columns)


def _plan_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options of every command that solves and prints a plan (solve, replan)."""
    options = [
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["table", "json", "md", "ics", "html"]),
            default="table",
            show_default=True,
            help="How to print the plan: terminal table, JSON, Markdown, iCalendar, or a "
            "self-contained HTML report.",
        ),
        click.option(
            "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here."
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds for the whole solve.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="CP-SAT workers (default: the machine's cores).",
        ),
        click.option("--seed", type=int, default=1, show_default=True, help="Random seed."),
        click.option(
            "--deterministic",
            is_flag=True,
            help="One worker and a deterministic time limit: the same input gives the same "
            "plan, byte for byte.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress on stderr."),
        click.option(
            "--am-time",
            default="07:00",
            show_default=True,
            callback=_clock_option,
            help="--format ics: when am sessions start (HH:MM).",
        ),
        click.option(
            "--pm-time",
            default="18:00",
            show_default=True,
            callback=_clock_option,
            help="--format ics: when pm sessions start (HH:MM).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class PlanOutput:
    """Where and how a solving command prints its plan."""

    output_format: str
    output: Path | None
    am_time: dt.time
    pm_time: dt.time


def _emit(scenario: Scenario, plan: Plan, out: PlanOutput, time_limit: float) -> None:
    """Print or write ``plan``, then exit 3 with the explanation when it is infeasible and
    4 when no plan was found in time."""
    text = render_plan(
        out.output_format, scenario, plan, slot_times={Slot.AM: out.am_time, Slot.PM: out.pm_time}
    )
    if out.output is not None:
        write_atomically(out.output, text)
    elif out.output_format == "table" and sys.stdout.isatty():
        Console().print(table_view.render(scenario, plan))
    else:
        click.echo(text, nl=False)
    if plan.status is Status.INFEASIBLE:
        lines = [f"{scenario.name}: infeasible: these rules cannot all hold"]
        lines += [f"  {'+'.join(c.rules)}: {c.message}" for c in plan.conflicts]
        fail("\n".join(lines), EXIT_INFEASIBLE)
    if plan.status is Status.UNKNOWN:
        fail(
            f"{scenario.name}: no plan found within {time_limit:g} s; raise --time-limit",
            EXIT_NO_PLAN,
        )


@cli.command()
@click.argument("scenario_file", metavar="SCENARIO")
@_plan_options
def solve(
    scenario_file: str,
    output_format: str,
    output: Path | None,
    time_limit: float,
    workers: int | None,
    seed: int,
    deterministic: bool,
    quiet: bool,
    am_time: dt.time,
    pm_time: dt.time,
) -> None:
    """Solve SCENARIO (a YAML or JSON file, - for stdin) and print the plan.

    Exit codes: 0 plan (optimal or feasible), 2 bad input, 3 infeasible, 4 no plan within
    the time limit.
    """
    scenario = load_scenario(scenario_file)
    options = SolveOptions(
        time_limit_s=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    with _live_progress(quiet) as progress:
        plan = solve_scenario(scenario, options, progress=progress)
    _emit(scenario, plan, PlanOutput(output_format, output, am_time, pm_time), time_limit)


def _date_option(_context: click.Context, parameter: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD", param=parameter
        ) from None


@cli.command("replan")
@click.argument("scenario_file", metavar="SCENARIO")
@click.argument("plan_file", metavar="PLAN.json")
@click.option(
    "--done",
    "log_file",
    required=True,
    metavar="LOG",
    help="Training log of what was really done (YAML, or CSV ending in .csv).",
)
@click.option(
    "--today",
    required=True,
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="The first day to re-plan; the days before it are what LOG says.",
)
@_plan_options
def replan_command(
    scenario_file: str,
    plan_file: str,
    log_file: str,
    today: dt.date,
    output_format: str,
    output: Path | None,
    time_limit: float,
    workers: int | None,
    seed: int,
    deterministic: bool,
    quiet: bool,
    am_time: dt.time,
    pm_time: dt.time,
) -> None:
    """Re-solve PLAN.json (solved from SCENARIO) from --today on, around what LOG says was
    done, changing as few future sessions as it can (S5, objective: stability).

    The output lists the changed sessions (JSON: "changes"). Exit codes as for solve.
    """
    scenario = load_scenario(scenario_file)
    previous = load_plan(plan_file)
    log = load_log(log_file)
    options = SolveOptions(
        time_limit_s=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    with _live_progress(quiet) as progress:
        plan = replan(scenario, previous, log, today, options, progress=progress)
    if not quiet and plan.has_plan:
        click.echo(f"{len(plan.changes)} session(s) changed from {today} on", err=True)
        for change in plan.changes:
            before, after = change.before or "rest", change.after or "rest"
            click.echo(f"  {change.date} {change.slot}: {before} -> {after}", err=True)
    _emit(scenario, plan, PlanOutput(output_format, output, am_time, pm_time), time_limit)


@cli.command("explain")
@click.argument("scenario_file", metavar="SCENARIO")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds for finding and shrinking the conflict.",
)
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
    """Explain why SCENARIO is infeasible: a minimal set of rules that cannot hold together,
    with the numbers involved and a checked fix. With --date D, explain that day of a
    solved plan instead.

    Exits 0 when the scenario is feasible (or the day was explained), 3 when it is
    infeasible (explanation on stdout).
    """
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
    if not scenario.start <= day <= scenario.end:
        fail(f"--date {day} is outside the plan ({scenario.start} to {scenario.end})")
    if plan_file is not None:
        plan = load_plan(plan_file)
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
    help="A re-plan's training log: the days before --today must be what it says, and "
    "they are history (rules are judged on the weeks from today's on).",
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
    """Verify PLAN.json against every hard rule of SCENARIO, independently of the solver.

    Prints each violation; exits 0 when there is none, 1 when there are, 2 on bad input.
    """
    scenario = load_scenario(scenario_file)
    plan = load_plan(plan_file)
    if today is not None and log_file is None:
        fail("--today needs --done LOG (the log of the days before it)")
    log = load_log(log_file) if log_file is not None else None
    violations = check(scenario, plan, done=log, today=today)
    for violation in violations:
        where = f"week {violation.week}" if violation.week is not None else "plan"
        if violation.date is not None:
            where += f" {violation.date}"
        click.echo(f"{violation.rule} {where}: {violation.message}")
    if violations:
        click.echo(f"{len(violations)} violation(s)", err=True)
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"{plan_file}: no violation of any hard rule", err=True)


@cli.command()
def schema() -> None:
    """Print the scenario JSON Schema."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2))


cli.add_command(batch_command)
cli.add_command(serve)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``periodize`` console script."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="periodize")
    except InputError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted", 130)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder, then rename."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
