"""The HTML report: one self-contained, offline file (inline CSS, inline SVG, no script, no
network) with a calendar grid of the whole plan coloured by modality and intensity, and
charts of weekly load against the target curve (S2) and the progression cap (H09), of
terrain share against each phase's band (H15, judged per week or per phase as the rule
is), and of the systems each week stimulates; what the plan could not fit, in training
words. Readable on a phone. The coach's section (status, gap, soft terms) closes the
page when asked for; each of its blocks is a function and a small template.

The charts are SVG drawn here in Python (`xml.etree` escapes every label); the page around
them is the Jinja2 template ``templates/report.html.j2``.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from periodize.coaching import COLUMNS, coach_summary, headline, last_days_lines, summary_rows
from periodize.plan import Plan, Session, WeekSummary
from periodize.rulebook import rule_title
from periodize.scenario import Scenario
from periodize.targets import target_loads
from periodize.views.figures import (
    TerrainBand,
    count,
    gap_text,
    grouped_shortfalls,
    heart_rate_zone,
    kind_label,
    load_caps,
    run_minutes,
    terrain_bands,
    week_days,
)
from periodize.vocabulary import ROAD_TERRAINS, SYSTEMS, TRAIL_TERRAINS, Modality, System
from periodize.workouts import workout_lines

# The charts' drawing area in SVG user units; the SVG scales to its container's width.
WIDTH, HEIGHT = 560, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 10, 14, 28

SYSTEM_LABELS: dict[System, str] = {
    System.CARDIOPULMONARY: "cardiopulmonary",
    System.AEROBIC_METABOLIC: "aerobic",
    System.ANAEROBIC_METABOLIC: "anaerobic",
    System.NEUROMUSCULAR: "neuromuscular",
    System.BALANCE: "balance",
    System.MUSCULOSKELETAL: "musculoskeletal",
}

#: The calendar's colour families: runs split by terrain, the other modalities as they are.
CATEGORY_LABELS = {
    "road": "road run",
    "trail": "trail run",
    "hike": "hike",
    "bike": "bike",
    "swim": "swim",
    "strength": "strength",
    "race": "race",
}


@dataclass(frozen=True, slots=True)
class SessionCell:
    """A session as the calendar shows it."""

    category: str
    intensity: str
    label: str
    minutes: int
    slot: str
    terrain: str
    rpe: int
    zone: str | None
    description: str
    steps: tuple[str, ...]
    gear: str
    long: bool


@dataclass(frozen=True, slots=True)
class DayCell:
    """One calendar day."""

    date: dt.date
    weekday: str
    label: str
    sessions: tuple[SessionCell, ...]
    race_day: bool


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One calendar week with the figures its header and the weeks table show."""

    index: int
    phase: str
    recovery: bool
    minutes: int
    load: int
    target: int
    cap: int
    hard_minutes: int
    sessions: int
    rest_days: int
    rest_days_text: str
    sessions_text: str
    band: str
    band_state: str
    days: tuple[DayCell, ...]


def category(session: Session) -> str:
    """The calendar colour family of ``session`` (``road``, ``trail``, ``hike``, ...)."""
    if session.modality is Modality.RUN:
        if session.terrain in TRAIL_TERRAINS:
            return "trail"
        if session.terrain in ROAD_TERRAINS:
            return "road"
    return session.modality.value


def _session_cell(session: Session) -> SessionCell:
    return SessionCell(
        category=category(session),
        intensity=session.intensity.value,
        label=kind_label(session.kind),
        minutes=session.minutes,
        slot=session.slot.value,
        terrain=session.terrain.value,
        rpe=session.rpe,
        zone=heart_rate_zone(session),
        description=session.description,
        steps=tuple(workout_lines(session.workout())),
        gear=", ".join(session.gear),
        long=session.long,
    )


def week_rows(scenario: Scenario, plan: Plan) -> list[WeekRow]:
    """The calendar, week by week, with each week's figures."""
    targets = target_loads(scenario)
    caps = load_caps(scenario, plan)
    bands = terrain_bands(scenario, plan)
    race_date = scenario.race.date if scenario.race is not None else None
    rows: list[WeekRow] = []
    for position, week in enumerate(plan.weeks):
        band_text, state = band_state(bands.get(week.index))
        days = tuple(
            DayCell(
                date=day.date,
                weekday=f"{day.date:%a}",
                label=f"{day.date.day} {day.date:%b}",
                sessions=tuple(_session_cell(s) for s in day.sessions),
                race_day=day.date == race_date,
            )
            for day in week_days(plan, week)
        )
        rows.append(
            WeekRow(
                index=week.index,
                phase=week.phase.value,
                recovery=week.recovery,
                minutes=week.minutes,
                load=week.load,
                target=targets[position] if position < len(targets) else 0,
                cap=round(caps[position]),
                hard_minutes=week.hard_minutes,
                sessions=week.sessions,
                rest_days=week.rest_days,
                rest_days_text=count(week.rest_days, "rest day"),
                sessions_text=count(week.sessions, "session"),
                band=band_text,
                band_state=state,
                days=days,
            )
        )
    return rows


def band_state(band: TerrainBand | None) -> tuple[str, str]:
    """A week's terrain text and its state: ``none`` (no band), ``exempt``, ``within`` or
    ``outside`` (judged as H15 judges it: per week, or over the phase)."""
    if band is None:
        return "no band", "none"
    if band.exemption is not None:
        return band.text(), "exempt"
    return band.text(), "within" if band.within else "outside"


# ---------------------------------------------------------------------------- charts


def nice_step(highest: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) that covers ``highest`` in
    at most ``ticks`` steps."""
    if highest <= 0:
        return 1.0
    raw = highest / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


class _Frame:
    """A chart's SVG root with its axes: weeks along x, a value along y."""

    def __init__(self, chart_id: str, title: str, weeks: int, top_value: float) -> None:
        self.weeks = weeks
        self.step = nice_step(top_value)
        self.top = max(self.step, math.ceil(top_value / self.step) * self.step)
        self.svg = ET.Element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "id": chart_id,
                "class": "chart",
                "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                "role": "img",
                "aria-label": title,
                "data-weeks": str(weeks),
            },
        )
        ET.SubElement(self.svg, "title").text = title

    @property
    def slot(self) -> float:
        """The width of one week's column."""
        return (WIDTH - LEFT - RIGHT) / max(1, self.weeks)

    def x(self, position: int) -> float:
        """The left edge of the column of the week at ``position`` (from 0)."""
        return LEFT + position * self.slot

    def y(self, value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.top)

    def axes(self, *, percent: bool = False) -> None:
        """Grid lines with y labels, and a week number under every column (or every few)."""
        grid = ET.SubElement(self.svg, "g", {"class": "axis"})
        ticks = round(self.top / self.step)
        for i in range(ticks + 1):
            value = i * self.step
            y = self.y(value)
            ET.SubElement(
                grid, "line", {"x1": f"{LEFT}", "x2": f"{WIDTH - RIGHT}", "y1": _n(y), "y2": _n(y)}
            )
            text = f"{value:.0%}" if percent else f"{value:g}"
            ET.SubElement(
                grid, "text", {"x": f"{LEFT - 4}", "y": _n(y + 4), "text-anchor": "end"}
            ).text = text
        every = max(1, math.ceil(self.weeks / 16))
        for position in range(0, self.weeks, every):
            ET.SubElement(
                grid,
                "text",
                {
                    "x": _n(self.x(position) + self.slot / 2),
                    "y": f"{HEIGHT - BOTTOM + 18}",
                    "text-anchor": "middle",
                },
            ).text = f"W{position + 1}"

    def markup(self) -> Markup:
        # ElementTree has escaped every text and attribute, so the SVG is safe markup.
        return Markup(ET.tostring(self.svg, encoding="unicode"))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _bar(
    parent: ET.Element, frame: _Frame, position: int, lo: float, hi: float, attrs: dict[str, str]
) -> ET.Element:
    """A rectangle in week ``position``'s column from value ``lo`` up to ``hi``."""
    pad = frame.slot * 0.15
    y_top, y_bottom = frame.y(hi), frame.y(lo)
    return ET.SubElement(
        parent,
        "rect",
        {
            "x": _n(frame.x(position) + pad),
            "y": _n(y_top),
            "width": _n(frame.slot - 2 * pad),
            "height": _n(max(0.0, y_bottom - y_top)),
            **attrs,
        },
    )


def load_chart(weeks: Sequence[WeekRow]) -> Markup:
    """Weekly load as bars coloured by phase (recovery weeks paler), the S2 target curve as
    a line and H09's cap as a dashed mark over each week."""
    top = max([1] + [max(w.load, w.target, w.cap) for w in weeks]) * 1.05
    frame = _Frame("chart-load", "Weekly load against target and cap", len(weeks), top)
    frame.axes()
    bars = ET.SubElement(frame.svg, "g", {"class": "bars"})
    for position, week in enumerate(weeks):
        rect = _bar(
            bars,
            frame,
            position,
            0,
            week.load,
            {
                "class": f"bar phase-{week.phase}" + (" recovery" if week.recovery else ""),
                "data-week": str(week.index),
                "data-load": str(week.load),
            },
        )
        ET.SubElement(rect, "title").text = (
            f"Week {week.index} ({week.phase}{', recovery' if week.recovery else ''}): "
            f"load {week.load}, target {week.target}, cap {week.cap}"
        )
    caps = ET.SubElement(frame.svg, "g", {"class": "caps"})
    for position, week in enumerate(weeks):
        y = _n(frame.y(week.cap))
        ET.SubElement(
            caps,
            "line",
            {
                "class": "cap",
                "x1": _n(frame.x(position) + 1),
                "x2": _n(frame.x(position + 1) - 1),
                "y1": y,
                "y2": y,
                "data-week": str(week.index),
                "data-cap": str(week.cap),
            },
        )
    points = " ".join(
        f"{_n(frame.x(p) + frame.slot / 2)},{_n(frame.y(w.target))}" for p, w in enumerate(weeks)
    )
    ET.SubElement(
        frame.svg,
        "polyline",
        {
            "class": "target",
            "points": points,
            "data-targets": ",".join(str(w.target) for w in weeks),
        },
    )
    for position, week in enumerate(weeks):
        ET.SubElement(
            frame.svg,
            "circle",
            {
                "class": "target-point",
                "cx": _n(frame.x(position) + frame.slot / 2),
                "cy": _n(frame.y(week.target)),
                "r": "3",
            },
        )
    return frame.markup()


def terrain_chart(scenario: Scenario, plan: Plan) -> Markup:
    """Each week's terrain share (road or trail, as H15 measures that phase) as a bar over
    its band, shaded; exempt weeks and weeks without a band in grey. With ``ratio_scope:
    phase`` the band holds the phase's share, drawn as a line across the phase's weeks, and
    a bar is outlined only when its phase is outside the band. An empty string for a plan
    without runs (there is no share to draw)."""
    if not any(run_minutes(plan, week).total for week in plan.weeks):
        return Markup("")
    bands = terrain_bands(scenario, plan)
    frame = _Frame("chart-terrain", "Terrain share against the phase band", len(plan.weeks), 1.0)
    frame.axes(percent=True)
    shades = ET.SubElement(frame.svg, "g", {"class": "bands"})
    bars = ET.SubElement(frame.svg, "g", {"class": "bars"})
    phase_lines = ET.SubElement(frame.svg, "g", {"class": "phase-shares"})
    for position, week in enumerate(plan.weeks):
        band = bands.get(week.index)
        _, state = band_state(band)
        measure = band.measure if band is not None else "road"
        share = band.share if band is not None else week.road_share
        if band is not None and band.exemption is None:
            ET.SubElement(
                shades,
                "rect",
                {
                    "class": "band",
                    "x": _n(frame.x(position)),
                    "y": _n(frame.y(band.hi)),
                    "width": _n(frame.slot),
                    "height": _n(frame.y(band.lo) - frame.y(band.hi)),
                    "data-week": str(week.index),
                    "data-lo": f"{band.lo:g}",
                    "data-hi": f"{band.hi:g}",
                },
            )
            if band.scope.value == "phase":
                y = _n(frame.y(band.judged_share))
                ET.SubElement(
                    phase_lines,
                    "line",
                    {
                        "class": "phase-share",
                        "x1": _n(frame.x(position)),
                        "x2": _n(frame.x(position + 1)),
                        "y1": y,
                        "y2": y,
                        "data-week": str(week.index),
                        "data-share": f"{band.judged_share:.4f}",
                    },
                )
        rect = _bar(
            bars,
            frame,
            position,
            0,
            share,
            {
                "class": f"share measure-{measure} {state}",
                "data-week": str(week.index),
                "data-share": f"{share:.4g}",
            },
        )
        note = band.text() if band is not None else f"road {share:.0%}, no band"
        ET.SubElement(rect, "title").text = f"Week {week.index} ({week.phase.value}): {note}"
    return frame.markup()


def systems_chart(weeks: Sequence[WeekSummary]) -> Markup:
    """The share of each week's stimulus per physiological system, as stacked bars."""
    frame = _Frame("chart-systems", "Systems stimulated per week", len(weeks), 1.0)
    frame.axes(percent=True)
    bars = ET.SubElement(frame.svg, "g", {"class": "bars"})
    for position, week in enumerate(weeks):
        bottom = 0.0
        for system in SYSTEMS:
            share = week.systems.get(system, 0.0)
            if share <= 0:
                continue
            rect = _bar(
                bars,
                frame,
                position,
                bottom,
                min(1.0, bottom + share),
                {
                    "class": f"sys sys-{system.value}",
                    "data-week": str(week.index),
                    "data-system": system.value,
                    "data-share": f"{share:g}",
                },
            )
            ET.SubElement(
                rect, "title"
            ).text = f"Week {week.index}: {SYSTEM_LABELS[system]} {share:.0%}"
            bottom += share
    return frame.markup()


# ---------------------------------------------------------------------------- page


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("periodize", "views/templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def solve_card(plan: Plan) -> Markup:
    """The coach's block on how the solve went: status, gap, objective, bound, time."""
    template = _environment().get_template("coach/solve.html.j2")
    return Markup(
        template.render(plan=plan, gap=gap_text(plan), workers=count(plan.stats.workers, "worker"))
    )


def terms_card(plan: Plan) -> Markup:
    """The coach's block on the soft terms: each one's penalty, named, with a meter."""
    terms = dict(plan.objective_terms)
    largest = max([1, *terms.values()])
    rows = [
        (name, rule_title(name).lower(), value, value / largest) for name, value in terms.items()
    ]
    return Markup(_environment().get_template("coach/terms.html.j2").render(terms=rows))


def reading_card(scenario: Scenario, plan: Plan) -> Markup:
    """A coach's reading of the plan (`periodize.coaching`): sentences, a row per week,
    and the last ten days before the race."""
    if not plan.days:
        return Markup("")
    summary = coach_summary(scenario, plan)
    template = _environment().get_template("coach/reading.html.j2")
    return Markup(
        template.render(
            headline=headline(summary),
            columns=COLUMNS,
            rows=summary_rows(summary),
            last_days=last_days_lines(summary),
        )
    )


def coach_blocks(scenario: Scenario, plan: Plan) -> list[Markup]:
    """The blocks of the coach's section, in order. A new block for coaches is a
    function rendering its own small template, and one more entry here."""
    return [solve_card(plan), terms_card(plan), reading_card(scenario, plan)]


_SHORTFALL_HEADINGS = {
    "recipe": "What your weeks could not fit",
    "waiver": "Terrain mix not judged",
    "broken_by_log": "Already broken by what was done",
}


def render(scenario: Scenario, plan: Plan, *, coach: bool = False) -> str:
    """The plan as one self-contained HTML page for the athlete; with ``coach``, the
    coach's section at the end."""
    weeks = week_rows(scenario, plan)
    groups = grouped_shortfalls(plan)
    template = _environment().get_template("report.html.j2")
    return template.render(
        plan=plan,
        scenario=scenario,
        race=scenario.race,
        weeks=weeks,
        weekdays=[day.weekday for day in weeks[0].days] if weeks else [],
        shortfall_sections=[
            (heading, [g for g in groups if g.kind == kind])
            for kind, heading in _SHORTFALL_HEADINGS.items()
            if any(g.kind == kind for g in groups)
        ],
        conflicts=[
            (", ".join(f"{rule_title(r)} ({r})" for r in c.rules), c.message)
            for c in plan.conflicts
        ],
        sessions=count(len(plan.sessions()), "session"),
        hours=sum(week.minutes for week in plan.weeks) / 60,
        categories=CATEGORY_LABELS,
        systems=[(system.value, SYSTEM_LABELS[system]) for system in SYSTEMS],
        load_chart=load_chart(weeks) if weeks else Markup(""),
        terrain_chart=terrain_chart(scenario, plan) if weeks else Markup(""),
        systems_chart=systems_chart(plan.weeks) if weeks else Markup(""),
        coach_blocks=coach_blocks(scenario, plan) if coach else [],
    )
