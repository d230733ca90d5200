"""What the views show beyond the plan's own fields: each week's terrain band (H15), its
load cap (H09), its days, and the words a coach reads for a session kind.

Pure functions of the scenario and the plan, shared by the table, Markdown, calendar and
HTML views so that they all say the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from periodize.plan import Day, Plan, Session, WeekSummary
from periodize.scenario import Scenario

_HEART_RATE_ZONE = re.compile(r"HR zone \d+(?:\s*-\s*\d+)?")


@dataclass(frozen=True, slots=True)
class TerrainBand:
    """H15's measure for a week (``road`` or ``trail`` share), its band and the week's share."""

    measure: str
    lo: float
    hi: float
    share: float

    @property
    def within(self) -> bool:
        """Whether the week's share lies in the band."""
        return self.lo - 1e-9 <= self.share <= self.hi + 1e-9

    def text(self) -> str:
        """E.g. ``road 72% (band 60%-80%)``."""
        return f"{self.measure} {self.share:.0%} (band {self.lo:.0%}-{self.hi:.0%})"


def terrain_band(scenario: Scenario, week: WeekSummary) -> TerrainBand | None:
    """The terrain band H15 holds ``week`` to, or None when it has none: no-race peak and
    taper weeks (rules-interpretation, H15)."""
    found = scenario.terrain_band(week.phase)
    if found is None:
        return None
    measure, band = found
    share = week.trail_share if measure == "trail" else week.road_share
    return TerrainBand(measure, band.lo, band.hi, share)


def band_exemption(scenario: Scenario, plan: Plan, week: WeekSummary) -> str | None:
    """Why H15 does not hold ``week`` to its band, or None when it does: the race week,
    a week without run minutes, or a week waived for lack of reachable terrain."""
    race = scenario.race
    if race is not None and week_contains(week, race.date):
        return "race week"
    if not week.road_share and not week.trail_share:
        return "no run minutes"
    if any(s.rule == "H15" and s.week == week.index for s in plan.shortfalls):
        return "waived"
    return None


def load_caps(scenario: Scenario, plan: Plan) -> list[float]:
    """H09's cap on each week's load: ``(1 + max_weekly_increase) x max(ref, mean4)``, with
    ``ref`` the last non-recovery week's load before it (baseline if none) and ``mean4`` the
    mean of the four weeks before it, baseline-filled (rules-interpretation, H09)."""
    factor = 1 + scenario.resolved_rules.max_weekly_increase
    baseline = scenario.athlete.baseline_load
    loads = [week.load for week in plan.weeks]
    caps: list[float] = []
    for position in range(len(plan.weeks)):
        earlier = plan.weeks[:position]
        ref = next((w.load for w in reversed(earlier) if not w.recovery), baseline)
        window = [loads[i] if i >= 0 else baseline for i in range(position - 4, position)]
        caps.append(factor * max(ref, sum(window) / 4))
    return caps


def week_contains(week: WeekSummary, date: dt.date) -> bool:
    """Whether ``date`` falls in ``week``."""
    return 0 <= (date - week.start).days < week.days


def week_days(plan: Plan, week: WeekSummary) -> list[Day]:
    """The days of ``week``, in order."""
    return [day for day in plan.days if week_contains(week, day.date)]


def kind_label(kind: str) -> str:
    """A session kind as words: ``road_easy`` reads ``Road easy``."""
    return kind.replace("_", " ").capitalize()


def heart_rate_zone(session: Session) -> str | None:
    """The heart-rate zone the session's description asks for (``HR zone 2``), if any."""
    found = _HEART_RATE_ZONE.search(session.description)
    return found.group(0) if found else None


def intensity_text(session: Session) -> str:
    """Intensity guidance: ``easy, RPE 3, HR zone 2``."""
    parts = [session.intensity.value, f"RPE {session.rpe}"]
    zone = heart_rate_zone(session)
    if zone:
        parts.append(zone)
    return ", ".join(parts)


def gap_text(plan: Plan) -> str:
    """The gap in percent, or ``n/a`` when the solve has none."""
    return f"{plan.stats.gap:.1%}" if plan.stats.gap is not None else "n/a"
