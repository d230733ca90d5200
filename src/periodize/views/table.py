"""The terminal view: the plan week by week, each day's sessions, weekly totals and the
terrain share against its band, then what the plan could not fit (rich; plain text when
piped or with NO_COLOR). The coach's section (status, gap, soft terms) comes after, when
asked for."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from periodize.coaching import COLUMNS, coach_summary, headline, last_days_lines, summary_rows
from periodize.plan import Plan, Session, Status, WeekSummary
from periodize.rulebook import rule_title
from periodize.scenario import Scenario
from periodize.views.figures import (
    TerrainBand,
    count,
    gap_text,
    grouped_shortfalls,
    terrain_bands,
    week_days,
)
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


def _band_text(band: TerrainBand | None) -> Text | None:
    if band is None:
        return None
    if band.exemption is not None:
        return Text(band.text(), style="dim")
    return Text(band.text(), style="" if band.within else "yellow")


def _session_text(session: Session) -> Text:
    text = Text()
    text.append(f"{session.slot.value} ", style="dim")
    text.append(session.kind, style=_INTENSITY_STYLE[session.intensity])
    text.append(f" {session.minutes}'")
    if session.long:
        text.append(" long", style="bold")
    return text


def week_table(plan: Plan, week: WeekSummary, band: TerrainBand | None) -> RenderableType:
    """One week: a header with its totals and terrain share, then a row per day."""
    tags = [week.phase.value] + (["recovery"] if week.recovery else [])
    title = Text(f"Week {week.index} · {' · '.join(tags)} · from {week.start}", style="bold")
    figures = [
        Text(f"{week.minutes} min"),
        Text(f"load {week.load}"),
        Text(f"hard {week.hard_minutes} min"),
        Text(count(week.sessions, "session")),
        Text(count(week.rest_days, "rest day")),
    ]
    band_text = _band_text(band)
    if band_text is not None:
        figures.append(band_text)
    table = Table(box=box.SIMPLE, show_header=False, expand=False, padding=(0, 1))
    table.add_column("day", no_wrap=True)
    table.add_column("sessions")
    for day in week_days(plan, week):
        sessions = Text(" + ").join(_session_text(s) for s in day.sessions) or Text(
            "rest", style="dim"
        )
        table.add_row(f"{day.weekday.value} {day.date:%d %b}", sessions)
    return Group(title, Figures(figures), table)


def no_plan_text(plan: Plan) -> Text | None:
    """What the athlete reads when there is no plan: why, in the rules' words; None when
    there is one."""
    if plan.days:
        return None
    if plan.status is Status.INFEASIBLE:
        text = Text(f"{plan.scenario}: no plan fits these weeks; these rules cannot all hold:\n")
        for conflict in plan.conflicts:
            names = ", ".join(f"{rule_title(rule)} ({rule})" for rule in conflict.rules)
            text.append(f"  {names}: ", style="bold")
            text.append(f"{conflict.message}\n")
        return text
    return Text(f"{plan.scenario}: no plan was found in the time given; allow more time.\n")


def shortfalls_text(plan: Plan) -> Text:
    """What the plan could not fit, the same miss in several weeks said once."""
    text = Text()
    headings = {
        "recipe": "What your weeks could not fit:",
        "waiver": "Terrain mix not judged:",
        "broken_by_log": "Already broken by what was done:",
    }
    groups = grouped_shortfalls(plan)
    for kind, heading in headings.items():
        chosen = [g for g in groups if g.kind == kind]
        if not chosen:
            continue
        text.append(f"{heading}\n", style="bold")
        for group in chosen:
            where = f", {group.weeks_text()}" if group.weeks else ""
            text.append(f"  {group.title} ({group.rule}){where}: ", style="yellow")
            text.append(f"{group.message}\n")
    return text


def coach_blocks(scenario: Scenario, plan: Plan) -> list[RenderableType]:
    """The blocks of the coach's section, in order: how the solve went, what each soft
    term cost, and a coach's reading of the plan. A new block for coaches is one more
    entry here."""
    return [solve_text(plan), terms_text(plan), reading_table(scenario, plan)]


def reading_table(scenario: Scenario, plan: Plan) -> RenderableType:
    """A coach's reading of the plan (`periodize.coaching`): a few sentences, a row per
    week (long session against its target, minutes against the curve, easy running), and
    the last ten days before the race."""
    if not plan.days:
        return Text()
    summary = coach_summary(scenario, plan)
    table = Table(title="A coach's reading", box=box.SIMPLE, title_justify="left")
    for column in COLUMNS:
        table.add_column(column, justify="right" if column == "Week" else "left")
    for row in summary_rows(summary):
        table.add_row(*row)
    parts: list[RenderableType] = [Text("\n".join(headline(summary))), table]
    if summary.last_days:
        days = "\n".join(f"  {line}" for line in last_days_lines(summary))
        parts.append(Text(f"The last ten days before the race:\n{days}\n"))
    return Group(*parts)


def solve_text(plan: Plan) -> Text:
    """Status, gap, objective and bound (when the solve has them), time and workers."""
    stats = plan.stats
    facts = [plan.status.value]
    if stats.objective is not None:
        facts.append(f"gap {gap_text(plan)}")
        bound = f", bound {stats.bound}" if stats.bound is not None else ""
        facts.append(f"objective {stats.objective}{bound}")
    facts.append(f"{stats.wall_time_s:.1f} s on {count(stats.workers, 'worker')}")
    return Text(f"Solve: {'; '.join(facts)}\n")


def terms_text(plan: Plan) -> Text:
    """Each soft term's penalty, named: ``S1 systems balance 400``."""
    if not plan.objective_terms:
        return Text()
    terms = ", ".join(
        f"{name} {rule_title(name).lower()} {value}" for name, value in plan.objective_terms.items()
    )
    return Text(f"Soft terms (penalty, lower is better): {terms}\n")


def coach_section(scenario: Scenario, plan: Plan) -> RenderableType:
    """The coach's section: a heading, then `coach_blocks`."""
    return Group(Text("Coach's notes", style="bold underline"), *coach_blocks(scenario, plan))


def render(scenario: Scenario, plan: Plan, *, coach: bool = False) -> RenderableType:
    """The whole plan as one rich renderable: the weeks, then what the plan could not
    fit; with ``coach``, the coach's section after them."""
    bands = terrain_bands(scenario, plan)
    parts: list[RenderableType] = [week_table(plan, w, bands.get(w.index)) for w in plan.weeks]
    missing = no_plan_text(plan)
    if missing is not None:
        parts.append(missing)
    parts.append(shortfalls_text(plan))
    if coach:
        parts.append(coach_section(scenario, plan))
    return Group(*parts)


def to_text(scenario: Scenario, plan: Plan, *, width: int = 100, coach: bool = False) -> str:
    """The table view as plain text (no colour), e.g. for files and tests."""
    console = Console(width=width, no_color=True, color_system=None, record=True, file=None)
    with console.capture() as capture:
        console.print(render(scenario, plan, coach=coach))
    return capture.get()
