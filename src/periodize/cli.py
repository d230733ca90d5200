"""The ``periodize`` command line: thin click commands over the library.

Exit codes (plan.md): 0 a plan or a passing check; 1 a check that found violations;
2 an input error; 3 an infeasible scenario; 4 no plan within the time limit.
Data goes to stdout, messages to stderr, never a traceback for bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from periodize.loading import InputError, load_scenario
from periodize.scenario import Scenario
from periodize.vocabulary import WEEKDAYS

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


@cli.command()
def schema() -> None:
    """Print the scenario JSON Schema."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2))


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
