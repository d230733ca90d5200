"""The periodised calendar: weeks, their phases, recovery weeks and taper (rules.md, Phases).

A week is seven consecutive days counted from the plan's start; the last week may be
partial when the race falls mid-week. Phases are counted back from the race week: taper
is the last ``taper_weeks`` weeks, peak the 3 before, build the 6 before that, base the
rest. Short horizons shorten base first, then build (down to 2), peak (down to 1) and
taper (down to 1); under four weeks, build goes, then peak, and a one-week plan is all
taper. Without a race the first half of the weeks (rounded up) is base, the rest build.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from periodize.vocabulary import Phase

PEAK_WEEKS = 3
BUILD_WEEKS = 6
MIN_BUILD, MIN_PEAK, MIN_TAPER = 2, 1, 1


@dataclass(frozen=True, slots=True)
class Week:
    """One week of the plan: its index (from 1), dates, phase and role."""

    index: int
    start: dt.date
    days: int
    phase: Phase
    recovery: bool
    is_race_week: bool

    @property
    def end(self) -> dt.date:
        """The week's last date (race day in a partial race week)."""
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def full(self) -> bool:
        """Seven days long; minimums (recipes) apply to full weeks only."""
        return self.days == 7

    @property
    def taper(self) -> bool:
        return self.phase is Phase.TAPER

    @property
    def day_indices(self) -> range:
        """The week's days as indices from the plan's first day (0)."""
        first = 7 * (self.index - 1)
        return range(first, first + self.days)

    def dates(self) -> list[dt.date]:
        """The week's dates in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def phase_lengths(weeks: int, taper_weeks: int) -> dict[Phase, int]:
    """How many weeks each phase gets in a race plan of ``weeks`` weeks."""
    if weeks < 1:
        raise ValueError("a plan has at least one week")
    taper, peak, build = taper_weeks, PEAK_WEEKS, BUILD_WEEKS
    excess = taper + peak + build - weeks
    # Take weeks away from build (down to 2), then peak (down to 1), then taper (down to 1).
    for floor_name in ("build", "peak", "taper"):
        if excess <= 0:
            break
        if floor_name == "build":
            cut = min(excess, build - MIN_BUILD)
            build -= cut
        elif floor_name == "peak":
            cut = min(excess, peak - MIN_PEAK)
            peak -= cut
        else:
            cut = min(excess, taper - MIN_TAPER)
            taper -= cut
        excess -= cut
    # Under four weeks: build goes first, then peak; the race week is always taper.
    if excess > 0:
        cut = min(excess, build)
        build -= cut
        excess -= cut
    if excess > 0:
        peak -= min(excess, peak)
    base = weeks - taper - peak - build
    return {Phase.BASE: base, Phase.BUILD: build, Phase.PEAK: peak, Phase.TAPER: taper}


def derive_phases(weeks: int, *, has_race: bool, taper_weeks: int) -> list[Phase]:
    """The phase of each week, first week first."""
    if not has_race:
        base = math.ceil(weeks / 2)
        return [Phase.BASE] * base + [Phase.BUILD] * (weeks - base)
    lengths = phase_lengths(weeks, taper_weeks)
    order = (Phase.BASE, Phase.BUILD, Phase.PEAK, Phase.TAPER)
    return [phase for phase in order for _ in range(lengths[phase])]


def is_recovery_index(index: int, recovery_every: int) -> bool:
    """Whether week ``index`` (from 1) falls on the recovery rhythm (H11)."""
    return index % recovery_every == 0


def build_calendar(
    start: dt.date,
    end: dt.date,
    *,
    has_race: bool,
    taper_weeks: int,
    recovery_every: int,
    phases: Sequence[Phase] | None = None,
) -> list[Week]:
    """The weeks from ``start`` to ``end`` (both included) with phase and recovery marked.

    Recovery weeks fall on every ``recovery_every``-th week counted from week 1, never in
    taper or on the race week. ``phases`` overrides the derived phases, one per week.
    """
    days = (end - start).days + 1
    if days < 1:
        raise ValueError("the plan ends before it starts")
    count = math.ceil(days / 7)
    if phases is None:
        phases = derive_phases(count, has_race=has_race, taper_weeks=taper_weeks)
    elif len(phases) != count:
        raise ValueError(f"phases has {len(phases)} entries for {count} weeks")
    weeks = []
    for i in range(count):
        index = i + 1
        week_days = min(7, days - 7 * i)
        race_week = has_race and index == count
        phase = phases[i]
        recovery = (
            is_recovery_index(index, recovery_every) and phase is not Phase.TAPER and not race_week
        )
        weeks.append(
            Week(
                index=index,
                start=start + dt.timedelta(days=7 * i),
                days=week_days,
                phase=phase,
                recovery=recovery,
                is_race_week=race_week,
            )
        )
    return weeks
