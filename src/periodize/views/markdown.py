"""The Markdown view: the plan as a document a coach can send, with the solve's status and
gap, each week's phase, totals and terrain share against its band, every session with its
guidance, and the shortfalls."""

from __future__ import annotations

import datetime as dt

from periodize.plan import Plan, Session, WeekSummary
from periodize.scenario import Scenario
from periodize.views.figures import (
    band_exemption,
    gap_text,
    heart_rate_zone,
    kind_label,
    terrain_band,
    week_days,
)

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


def week_section(scenario: Scenario, plan: Plan, week: WeekSummary) -> list[str]:
    """One week: a heading with phase and role, its totals and band, then a session table
    with a row per session and a row per rest day."""
    tags = [week.phase.value] + (["recovery"] if week.recovery else [])
    end = week.start + dt.timedelta(days=week.days - 1)
    lines = [
        f"## Week {week.index} · {' · '.join(tags)} · {day_label(week.start)} - {day_label(end)}",
        "",
        f"{week.minutes} min · load {week.load} · hard {week.hard_minutes} min · "
        f"{week.sessions} sessions ({week.hard_sessions} hard) · {week.rest_days} rest days",
    ]
    band = terrain_band(scenario, week)
    if band is not None:
        exemption = band_exemption(scenario, plan, week)
        verdict = exemption or ("within the band" if band.within else "outside the band")
        lines[-1] += f"  \nTerrain: {band.text()}, {verdict}"
    lines += ["", _row(_SESSION_COLUMNS), _row(_ALIGNMENT)]
    for day in week_days(plan, week):
        if not day.sessions:
            lines.append(_row((day_label(day.date), "", "Rest", "", "", "", "", "")))
        lines += [_session_row(day.date, session) for session in day.sessions]
    return [*lines, ""]


def summary_lines(scenario: Scenario, plan: Plan) -> list[str]:
    """The opening: goal, dates, status, gap and objective terms."""
    stats = plan.stats
    race = scenario.race
    goal = (
        f"{race.name}: {race.kind.value} race, {race.distance_km:g} km on {long_date(race.date)}"
        if race is not None
        else "general fitness (no race)"
    )
    lines = [
        f"# {plan.scenario}",
        "",
        f"- **Goal:** {goal}",
        f"- **Plan:** {len(plan.weeks)} weeks from {long_date(scenario.start)}, "
        f"{len(plan.sessions())} sessions",
        f"- **Status:** {plan.status.value}, gap {gap_text(plan)} "
        f"(objective {stats.objective}, bound {stats.bound}; "
        f"{stats.wall_time_s:.1f} s on {stats.workers} workers)",
    ]
    if plan.objective_terms:
        terms = ", ".join(f"{name} {value}" for name, value in plan.objective_terms.items())
        lines.append(f"- **Objective terms:** {terms}")
    return [*lines, ""]


def shortfall_lines(plan: Plan) -> list[str]:
    """The recipes the plan misses and H15 waivers, one bullet each."""
    if not plan.shortfalls and not plan.conflicts:
        return []
    lines = ["## Shortfalls", ""] if plan.shortfalls else []
    # Each message names its week already ("week 3: no long session ...").
    lines += [f"- **{s.rule}** {s.message}" for s in plan.shortfalls]
    if plan.conflicts:
        lines += ["", "## Conflicts", ""]
        lines += [f"- **{', '.join(c.rules)}**: {c.message}" for c in plan.conflicts]
    return [*lines, ""]


def render(scenario: Scenario, plan: Plan) -> str:
    """The whole plan as a Markdown document."""
    lines = summary_lines(scenario, plan)
    for week in plan.weeks:
        lines += week_section(scenario, plan, week)
    lines += shortfall_lines(plan)
    return "\n".join(lines).rstrip("\n") + "\n"
