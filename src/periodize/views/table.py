"""The terminal view: the plan week by week, each day's sessions, weekly totals and the
terrain share against its band (rich; plain text when piped or with NO_COLOR)."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from periodize.plan import Plan, Session, WeekSummary
from periodize.scenario import Scenario
from periodize.views.figures import band_exemption, gap_text, terrain_band, week_days
from periodize.vocabulary import Intensity

_INTENSITY_STYLE = {Intensity.EASY: "green", Intensity.MODERATE: "yellow", Intensity.HARD: "red"}


class Figures:
    """Short figures joined by `` · `` that wrap between figures, never inside one, so a
    week's totals stay readable on a narrow terminal."""

    def __init__(self, parts: Sequence[Text], *, indent: int = 2) -> None:
        self.parts = parts
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        margin = " " * self.indent
        line = Text(margin)
        for part in self.parts:
            separator = " · " if line.cell_len > self.indent else ""
            too_long = line.cell_len + len(separator) + part.cell_len > options.max_width
            if separator and too_long:
                yield line
                line, separator = Text(margin), ""
            line.append(separator)
            line.append_text(part)
        yield line


def _band_text(scenario: Scenario, plan: Plan, week: WeekSummary) -> Text | None:
    band = terrain_band(scenario, week)
    if band is None:
        return None
    exemption = band_exemption(scenario, plan, week)
    if exemption is not None:
        return Text(f"{band.text()}, {exemption}", style="dim")
    return Text(band.text(), style="" if band.within else "yellow")


def _session_text(session: Session) -> Text:
    text = Text()
    text.append(f"{session.slot.value} ", style="dim")
    text.append(session.kind, style=_INTENSITY_STYLE[session.intensity])
    text.append(f" {session.minutes}'")
    if session.long:
        text.append(" long", style="bold")
    return text


def week_table(scenario: Scenario, plan: Plan, week: WeekSummary) -> RenderableType:
    """One week: a header with its totals and terrain share, then a row per day."""
    tags = [week.phase.value] + (["recovery"] if week.recovery else [])
    title = Text(f"Week {week.index} · {' · '.join(tags)} · from {week.start}", style="bold")
    figures = [
        Text(f"{week.minutes} min"),
        Text(f"load {week.load}"),
        Text(f"hard {week.hard_minutes} min"),
        Text(f"{week.sessions} sessions"),
        Text(f"{week.rest_days} rest days"),
    ]
    band = _band_text(scenario, plan, week)
    if band is not None:
        figures.append(band)
    table = Table(box=box.SIMPLE, show_header=False, expand=False, padding=(0, 1))
    table.add_column("day", no_wrap=True)
    table.add_column("sessions")
    for day in week_days(plan, week):
        sessions = Text(" + ").join(_session_text(s) for s in day.sessions) or Text(
            "rest", style="dim"
        )
        table.add_row(f"{day.weekday.value} {day.date:%d %b}", sessions)
    return Group(title, Figures(figures), table)


def footer(plan: Plan) -> Text:
    """Status, objective, bound, gap and time, then the shortfalls."""
    stats = plan.stats
    gap = gap_text(plan)
    text = Text(
        f"{plan.scenario}: {plan.status.value}; objective {stats.objective}, bound {stats.bound}, "
        f"gap {gap}; {stats.wall_time_s:.1f} s on {stats.workers} workers\n",
        style="bold",
    )
    terms = ", ".join(f"{k} {v}" for k, v in plan.objective_terms.items())
    if terms:
        text.append(f"objective terms: {terms}\n")
    for shortfall in plan.shortfalls:
        text.append(f"{shortfall.rule} ", style="yellow")
        text.append(f"{shortfall.message}\n")
    return text


def render(scenario: Scenario, plan: Plan) -> RenderableType:
    """The whole plan as one rich renderable."""
    parts: list[RenderableType] = [week_table(scenario, plan, w) for w in plan.weeks]
    parts.append(footer(plan))
    return Group(*parts)


def to_text(scenario: Scenario, plan: Plan, *, width: int = 100) -> str:
    """The table view as plain text (no colour), e.g. for files and tests."""
    console = Console(width=width, no_color=True, color_system=None, record=True, file=None)
    with console.capture() as capture:
        console.print(render(scenario, plan))
    return capture.get()
