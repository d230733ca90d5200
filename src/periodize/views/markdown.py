"""The Markdown view: the plan as a document to send to the athlete: the goal, each week's
phase, totals and terrain share against its band, every session with its guidance, and
what the plan could not fit, in training words. The coach's section (status, gap, soft
terms) comes at the end when asked for."""

from __future__ import annotations

import datetime as dt

from periodize.coaching import COLUMNS, coach_summary, headline, last_days_lines, summary_rows
from periodize.plan import Plan, Session, Status, WeekSummary
from periodize.rulebook import rule_title
from periodize.scenario import Scenario
from periodize.views.figures import (
    TerrainBand,
    count,
    gap_text,
    grouped_shortfalls,
    heart_rate_zone,
    kind_label,
    terrain_bands,
    week_days,
)
from periodize.workouts import workout_text

_SESSION_COLUMNS = ("Date", "Slot", "Session", "Min", "Terrain", "Intensity", "RPE", "Notes")
_ALIGNMENT = ("---", "---", "---", "---:", "---", "---", "---:", "---")


def cell(text: str) -> str:
    """``text`` made safe for one Markdown table cell (pipes escaped, one line)."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def day_label(date: dt.date) -> str:
    """E.g. ``Mon 2 Aug``."""
    return f"{date:%a} {date.day} {date:%b}"


def long_date(date: dt.date) -> str:
    """E.g. ``Mon 2 Aug 2027``."""
    return f"{day_label(date)} {date.year}"


def _row(values: tuple[str, ...]) -> str:
    return "| " + " | ".join(values) + " |"


def _session_row(date: dt.date, session: Session) -> str:
    zone = heart_rate_zone(session)
    intensity = session.intensity.value + (f" ({zone})" if zone else "")
    notes = session.description
    notes += f" Steps: {workout_text(session.workout())}."
    if session.gear:
        notes += f" Gear: {', '.join(session.gear)}."
    label = kind_label(session.kind)
    if session.long and "long" not in session.kind:
        label += " (long)"
    return _row(
        (
            day_label(date),
            session.slot.value,
            f"**{cell(label)}**",
            str(session.minutes),
            session.terrain.value,
            cell(intensity),
            str(session.rpe),
            cell(notes),
        )
    )


def week_section(plan: Plan, week: WeekSummary, band: TerrainBand | None) -> list[str]:
    """One week: a heading with phase and role, its totals and band, then a session table
    with a row per session and a row per rest day."""
    tags = [week.phase.value] + (["recovery"] if week.recovery else [])
    end = week.start + dt.timedelta(days=week.days - 1)
    lines = [
        f"## Week {week.index} · {' · '.join(tags)} · {day_label(week.start)} - {day_label(end)}",
        "",
        f"{week.minutes} min · load {week.load} · hard {week.hard_minutes} min · "
        f"{count(week.sessions, 'session')} ({week.hard_sessions} hard) · "
        f"{count(week.rest_days, 'rest day')}",
    ]
    if band is not None:
        verdict = (
            "" if band.exemption else (" within the band" if band.within else " outside the band")
        )
        lines[-1] += f"  \nTerrain: {band.text()}{',' if verdict else ''}{verdict}"
    lines += ["", _row(_SESSION_COLUMNS), _row(_ALIGNMENT)]
    for day in week_days(plan, week):
        if not day.sessions:
            lines.append(_row((day_label(day.date), "", "Rest", "", "", "", "", "")))
        lines += [_session_row(day.date, session) for session in day.sessions]
    return [*lines, ""]


def summary_lines(scenario: Scenario, plan: Plan) -> list[str]:
    """The opening: goal, dates and how many sessions, in training words."""
    race = scenario.race
    goal = (
        f"{race.name}: {race.kind.value} race, {race.distance_km:g} km on {long_date(race.date)}"
        if race is not None
        else "general fitness (no race)"
    )
    hours = sum(week.minutes for week in plan.weeks) / 60
    lines = [f"# {plan.scenario}", "", f"- **Goal:** {goal}"]
    if plan.weeks:
        lines.append(
            f"- **Plan:** {count(len(plan.weeks), 'week')} from {long_date(scenario.start)}, "
            f"{count(len(plan.sessions()), 'session')}, {hours:.0f} hours of training"
        )
    return [*lines, ""]


def no_plan_lines(plan: Plan) -> list[str]:
    """What the athlete reads when there is no plan: why; nothing when there is one."""
    if plan.days:
        return []
    if plan.status is not Status.INFEASIBLE:
        return ["No plan was found in the time given; allow more time.", ""]
    lines = ["## No plan fits these weeks", "", "These rules cannot all hold:", ""]
    for conflict in plan.conflicts:
        names = ", ".join(f"{rule_title(rule)} ({rule})" for rule in conflict.rules)
        lines.append(f"- **{names}:** {cell(conflict.message)}")
    return [*lines, ""]


_SHORTFALL_HEADINGS = {
    "recipe": "What your weeks could not fit",
    "waiver": "Terrain mix not judged",
    "broken_by_log": "Already broken by what was done",
}


def shortfall_lines(plan: Plan) -> list[str]:
    """What the plan could not fit: one bullet per rule and reason, naming its weeks."""
    groups = grouped_shortfalls(plan)
    lines: list[str] = []
    for kind, heading in _SHORTFALL_HEADINGS.items():
        chosen = [g for g in groups if g.kind == kind]
        if not chosen:
            continue
        lines += [f"## {heading}", ""]
        for group in chosen:
            where = f", {group.weeks_text()}" if group.weeks else ""
            lines.append(f"- **{group.title}** ({group.rule}{where}): {group.message}")
        lines.append("")
    return lines


def coach_blocks(scenario: Scenario, plan: Plan) -> list[list[str]]:
    """The blocks of the coach's section, each a list of lines: how the solve went, what
    each soft term cost, and a coach's reading of the plan. A new block for coaches is one
    more entry here."""
    return [solve_lines(plan), terms_lines(plan), reading_lines(scenario, plan)]


def reading_lines(scenario: Scenario, plan: Plan) -> list[str]:
    """A coach's reading of the plan (`periodize.coaching`): the long session against its
    target, weekly minutes against the curve, the easy share of running, and the last ten
    days before the race."""
    if not plan.days:
        return []
    summary = coach_summary(scenario, plan)
    lines = ["**A coach's reading**", ""]
    lines += [f"- {line}" for line in headline(summary)]
    lines += ["", _row(COLUMNS), _row(tuple("---" for _ in COLUMNS))]
    lines += [_row(tuple(cell(value) for value in row)) for row in summary_rows(summary)]
    if summary.last_days:
        lines += ["", "**The last ten days before the race**", ""]
        lines += [f"- {line}" for line in last_days_lines(summary)]
    return lines


def solve_lines(plan: Plan) -> list[str]:
    """Status, gap, objective and bound (when the solve has them), time and workers."""
    stats = plan.stats
    lines = [f"- **Status:** {plan.status.value}"]
    if stats.objective is not None:
        bound = f", bound {stats.bound}" if stats.bound is not None else ""
        lines[0] += f", gap {gap_text(plan)} (objective {stats.objective}{bound})"
    lines.append(f"- **Solve:** {stats.wall_time_s:.1f} s on {count(stats.workers, 'worker')}")
    return lines


def terms_lines(plan: Plan) -> list[str]:
    """Each soft term's penalty (lower is better), named from the rulebook."""
    if not plan.objective_terms:
        return []
    terms = ", ".join(
        f"{name} {rule_title(name).lower()} {value}" for name, value in plan.objective_terms.items()
    )
    return [f"- **Soft terms** (penalty, lower is better): {terms}"]


def coach_section(scenario: Scenario, plan: Plan) -> list[str]:
    """The coach's section: a heading, then `coach_blocks`, a blank line after each."""
    lines = ["## Coach's notes", ""]
    for block in coach_blocks(scenario, plan):
        if block:
            lines += [*block, ""]
    return lines


def render(scenario: Scenario, plan: Plan, *, coach: bool = False) -> str:
    """The whole plan as a Markdown document for the athlete; with ``coach``, the coach's
    section at the end."""
    lines = summary_lines(scenario, plan) + no_plan_lines(plan)
    bands = terrain_bands(scenario, plan)
    for week in plan.weeks:
        lines += week_section(plan, week, bands.get(week.index))
    lines += shortfall_lines(plan)
    if coach:
        lines += coach_section(scenario, plan)
    return "\n".join(lines).rstrip("\n") + "\n"
