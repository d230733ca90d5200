"""A batch's summary: one row per scenario as a table and as CSV, and its exit code."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from rich import box
from rich.table import Table

from periodize.batch.jobs import Outcome, Verdict
from periodize.exit_codes import (
    EXIT_INCOMPLETE,
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_NO_PLAN,
    EXIT_OK,
)

COLUMNS = ("scenario", "status", "objective", "gap", "wall_s", "worker", "attempts", "message")
"""The summary CSV's columns; ``message`` holds the error or explanation on one line."""


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """0 when every scenario has a plan; otherwise the highest code among them: 2 a bad
    file, 3 an infeasible scenario, 4 no plan within the time limit, 5 a worker lost on
    every attempt or a failed solve."""
    codes = {
        Verdict.ERROR: EXIT_INPUT,
        Verdict.INFEASIBLE: EXIT_INFEASIBLE,
        Verdict.UNKNOWN: EXIT_NO_PLAN,
        Verdict.FAILED: EXIT_INCOMPLETE,
        Verdict.CRASHED: EXIT_INCOMPLETE,
    }
    return max((codes.get(outcome.verdict, EXIT_OK) for outcome in outcomes), default=EXIT_OK)


def row(outcome: Outcome) -> dict[str, str]:
    """``outcome`` as text for each of `COLUMNS`."""
    message = outcome.message.replace("\n", "; ")
    if outcome.resumed:
        message = "kept from an earlier run" + (f"; {message}" if message else "")
    return {
        "scenario": outcome.name,
        "status": outcome.verdict.value,
        "objective": "" if outcome.objective is None else str(outcome.objective),
        "gap": "" if outcome.gap is None else f"{outcome.gap:.4f}",
        "wall_s": "" if outcome.wall_s is None else f"{outcome.wall_s:.1f}",
        "worker": outcome.worker,
        "attempts": "" if outcome.attempts is None else str(outcome.attempts),
        "message": message,
    }


def to_csv(outcomes: Sequence[Outcome]) -> str:
    """The summary as CSV, a header and one row per scenario."""
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row(outcome) for outcome in outcomes)
    return stream.getvalue()


_HEADERS = {"wall_s": "wall s", "attempts": "tries"}
_STYLE = {Verdict.INFEASIBLE: "yellow", Verdict.UNKNOWN: "yellow"}
"""How a row without a plan looks (red when not listed)."""


def to_table(outcomes: Sequence[Outcome]) -> Table:
    """The summary as a rich table; the messages follow it as `notes`."""
    table = Table(box=box.SIMPLE_HEAD, title="periodize batch", title_justify="left")
    for column in COLUMNS[:-1]:
        numeric = column in ("objective", "gap", "wall_s", "attempts")
        table.add_column(_HEADERS.get(column, column), justify="right" if numeric else "left")
    for outcome in outcomes:
        cells = row(outcome)
        style = None if outcome.verdict.solved else _STYLE.get(outcome.verdict, "red")
        table.add_row(*(cells[c] for c in COLUMNS[:-1]), style=style)
    solved = sum(outcome.verdict.solved for outcome in outcomes)
    table.caption = f"{solved} of {len(outcomes)} scenarios have a plan"
    table.caption_justify = "left"
    return table


def notes(outcomes: Sequence[Outcome]) -> list[str]:
    """A line for each scenario with something to say: its error, conflicting rules, or
    that it was kept from an earlier run (the full messages are in the CSV)."""
    return [f"{o.name}: {_first_line(o)}" for o in outcomes if o.message or o.resumed]


def _first_line(outcome: Outcome) -> str:
    if outcome.resumed:
        return "kept from an earlier run"
    lines = outcome.message.splitlines()
    if outcome.verdict is Verdict.INFEASIBLE and len(lines) > 1:
        rules = sorted({line.split(":", 1)[0] for line in lines[1:]})
        return f"infeasible: {', '.join(rules)}"
    first = lines[0] if lines else ""
    if outcome.verdict is Verdict.ERROR:  # the file is in the row already
        first = first.removeprefix(f"{outcome.source}: ")
    return first if len(lines) <= 1 else f"{first} (+{len(lines) - 1} more)"
