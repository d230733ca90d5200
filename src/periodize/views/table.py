"""The terminal view: the plan week by week, each day's sessions, weekly totals and the
terrain share against its band (rich; plain text when piped or with NO_COLOR)."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from periodize.plan import Plan, Session, WeekSummary
from periodize.scenario import Scenario
from periodize.vocabulary import Intensity, Phase, RaceKind

_INTENSITY_STYLE = {Intensity.EASY: "green", Intensity.MODERATE: "yellow", Intensity.HARD: "red"}


def _band_text(scenario: Scenario, week: WeekSummary) -> str:
    bands = scenario.resolved_rules.ratio_bands
    race = scenario.race
    if week.phase is Phase.BASE:
        measure, band = "road", bands.base
    elif week.phase is Phase.BUILD:
        measure, band = "road", bands.build
    elif race is None:
        return ""
    elif race.kind is RaceKind.TRAIL:
        measure, band = "trail", bands.peak_trail
    else:
        measure, band = "road", bands.peak_road
    share = week.trail_share if measure == "trail" else week.road_share
    return f"{measure} {share:.0%} (band {band.lo:.0%}-{band.hi:.0%})"


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
    header = Text(f"Week {week.index} · {' · '.join(tags)} · from {week.start}", style="bold")
    header.append(
        f"\n  {week.minutes} min · load {week.load} · hard {week.hard_minutes} min · "
        f"{week.sessions} sessions · {week.rest_days} rest days",
        style="",
    )
    band = _band_text(scenario, week)
    if band:
        header.append(f" · {band}", style="")
    table = Table(box=box.SIMPLE, show_header=False, expand=False, padding=(0, 1))
    table.add_column("day", no_wrap=True)
    table.add_column("sessions")
    for day in plan.days:
        if not (week.start <= day.date and (day.date - week.start).days < week.days):
            continue
        sessions = Text(" + ").join(_session_text(s) for s in day.sessions) or Text(
            "rest", style="dim"
        )
        table.add_row(f"{day.weekday.value} {day.date:%d %b}", sessions)
    return Group(header, table)


def footer(plan: Plan) -> Text:
    """Status, objective, bound, gap and time, then the shortfalls."""
    stats = plan.stats
    gap = f"{stats.gap:.1%}" if stats.gap is not None else "n/a"
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
