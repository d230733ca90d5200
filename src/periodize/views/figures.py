"""What the views show beyond the plan's own fields: each week's terrain band (H15), its
load cap (H09), its days, and the words a coach reads for a session kind.

Pure functions of the scenario and the plan, shared by the table, Markdown, calendar and
HTML views so that they all say the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from periodize.plan import Day, Plan, Session, Shortfall, WeekSummary
from periodize.rulebook import rule_title
from periodize.rules import Band, bp, within_band
from periodize.scenario import Scenario
from periodize.vocabulary import ROAD_TERRAINS, TRAIL_TERRAINS, Modality, Phase, RatioScope

_HEART_RATE_ZONE = re.compile(r"HR zone \d+(?:\s*-\s*\d+)?")


@dataclass(frozen=True, slots=True)
class TerrainBand:
    """H15 for one week, judged as the rule judges it: the measure (``road`` or ``trail``
    share of run minutes) and band of the week's phase, the week's own run minutes, and,
    with ``ratio_scope: phase``, the run minutes of the whole phase (its judged weeks),
    which is what the band holds to. ``exemption`` says why the week is not judged."""

    measure: str
    lo: float
    hi: float
    part: int
    whole: int
    scope: RatioScope
    phase: Phase
    phase_part: int
    phase_whole: int
    grid: int
    exemption: str | None = None

    @property
    def share(self) -> float:
        """The week's own share of run minutes on the measured terrain."""
        return self.part / self.whole if self.whole else 0.0

    @property
    def judged_share(self) -> float:
        """The share the band holds to: the week's, or the phase's with scope phase."""
        if self.scope is RatioScope.PHASE:
            return self.phase_part / self.phase_whole if self.phase_whole else 0.0
        return self.share

    @property
    def within(self) -> bool:
        """Whether H15 is kept: an exempt week, or the judged share inside the band to
        half a grid step of minutes (compared exactly, in basis points, as the checker
        does)."""
        if self.exemption is not None:
            return True
        part, whole = (
            (self.phase_part, self.phase_whole)
            if self.scope is RatioScope.PHASE
            else (self.part, self.whole)
        )
        return within_band(part, whole, bp(self.lo), bp(self.hi), self.grid)

    def band_text(self) -> str:
        """E.g. ``band 65%-75%``."""
        return f"band {self.lo:.0%}-{self.hi:.0%}"

    def text(self) -> str:
        """E.g. ``road 72% (band 65%-75%)``; with scope phase ``road 100% this week, 70%
        over the base phase (band 65%-75%)``; an exempt week adds why."""
        if self.scope is RatioScope.PHASE and self.exemption is None:
            measured = (
                f"{self.measure} {self.share:.0%} this week, {self.judged_share:.0%} over the "
                f"{self.phase.value} phase"
            )
        else:
            measured = f"{self.measure} {self.share:.0%}"
        text = f"{measured} ({self.band_text()})"
        return f"{text}, {self.exemption}" if self.exemption else text


@dataclass(frozen=True, slots=True)
class RunMinutes:
    """A week's run minutes (race excluded), on road or track, and on trail or hills."""

    road: int = 0
    trail: int = 0
    total: int = 0

    def on(self, measure: str) -> int:
        """The minutes on the terrain H15 measures (``road`` or ``trail``)."""
        return self.road if measure == "road" else self.trail


def run_minutes(plan: Plan, week: WeekSummary) -> RunMinutes:
    """``week``'s run minutes by terrain, from the plan's days."""
    runs = [
        s
        for day in week_days(plan, week)
        for s in day.sessions
        if s.modality is Modality.RUN and not s.is_race
    ]
    return RunMinutes(
        road=sum(s.minutes for s in runs if s.terrain in ROAD_TERRAINS),
        trail=sum(s.minutes for s in runs if s.terrain in TRAIL_TERRAINS),
        total=sum(s.minutes for s in runs),
    )


def band_exemption(scenario: Scenario, plan: Plan, week: WeekSummary) -> str | None:
    """Why H15 does not judge ``week``, or None when it does: the race week, a week
    without run minutes, or a week waived for lack of reachable terrain."""
    race = scenario.race
    if race is not None and week_contains(week, race.date):
        return "race week"
    if not run_minutes(plan, week).total:
        return "no run minutes"
    if any(s.rule == "H15" and s.week == week.index for s in plan.shortfalls):
        return "waived"
    return None


def terrain_bands(scenario: Scenario, plan: Plan) -> dict[int, TerrainBand]:
    """H15 for every week that has a band, by week index, judged as the checker judges
    it: per week, or with ``ratio_scope: phase`` over the phase's weeks that are not
    exempt (docs/rules-interpretation.md, H15). Weeks without a band (peak and taper with
    no race) are absent."""
    scope = scenario.resolved_rules.ratio_scope
    measured: list[tuple[WeekSummary, str, Band, RunMinutes, str | None]] = []
    for week in plan.weeks:
        found = scenario.terrain_band(week.phase)
        if found is not None:
            minutes = run_minutes(plan, week)
            exemption = band_exemption(scenario, plan, week)
            measured.append((week, found[0], found[1], minutes, exemption))
    phase_sums: dict[Phase, tuple[int, int]] = {}
    for week, measured_on, _, minutes, exempt in measured:
        if exempt is None:
            part, whole = phase_sums.get(week.phase, (0, 0))
            phase_sums[week.phase] = (part + minutes.on(measured_on), whole + minutes.total)
    bands: dict[int, TerrainBand] = {}
    for week, measure, band, minutes, exemption in measured:
        phase_part, phase_whole = phase_sums.get(week.phase, (0, 0))
        bands[week.index] = TerrainBand(
            measure=measure,
            lo=band.lo,
            hi=band.hi,
            part=minutes.on(measure),
            whole=minutes.total,
            scope=scope,
            phase=week.phase,
            phase_part=phase_part,
            phase_whole=phase_whole,
            grid=scenario.resolved_rules.grid_minutes,
            exemption=exemption,
        )
    return bands


def terrain_band(scenario: Scenario, plan: Plan, week: WeekSummary) -> TerrainBand | None:
    """H15 for one week (see `terrain_bands`), or None when the week has no band."""
    return terrain_bands(scenario, plan).get(week.index)


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


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 rest day``, ``2 rest days``: a number with its noun in agreement."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def ranges_text(numbers: Sequence[int]) -> str:
    """Sorted numbers as ranges: ``[3, 5, 6, 7, 9]`` reads ``3, 5-7, 9``."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


ShortfallKind = str
"""``recipe`` (a recipe the plan misses), ``waiver`` (H15 not judged for lack of
terrain) or ``broken_by_log`` (a re-plan's past already broke the rule)."""


def shortfall_kind(shortfall: Shortfall) -> ShortfallKind:
    """What ``shortfall`` is: its ``type`` where the plan gives one, else a waiver for
    H15 and a recipe miss for the rest."""
    given = getattr(shortfall, "type", None)
    if isinstance(given, str) and given:
        return given
    return "waiver" if shortfall.rule == "H15" else "recipe"


@dataclass(frozen=True, slots=True)
class ShortfallGroup:
    """The same shortfall in several weeks, said once: the rule, its title, the weeks,
    and the message without its week."""

    rule: str
    kind: ShortfallKind
    weeks: tuple[int, ...]
    message: str

    @property
    def title(self) -> str:
        """The rule's title from the rulebook (``Long session``)."""
        return rule_title(self.rule)

    def weeks_text(self) -> str:
        """``week 3`` or ``weeks 3, 5-9``; empty for a plan-wide shortfall."""
        if not self.weeks:
            return ""
        return f"week{'s' if len(self.weeks) > 1 else ''} {ranges_text(self.weeks)}"


_WEEK_PREFIX = re.compile(r"^week (\d+): ")


def grouped_shortfalls(plan: Plan) -> list[ShortfallGroup]:
    """The plan's shortfalls with those that say the same thing of different weeks
    merged (rules.md: the same miss in many weeks is one line naming the weeks), in the
    order of their first week."""
    groups: dict[tuple[str, ShortfallKind, str], list[int]] = {}
    for shortfall in plan.shortfalls:
        found = _WEEK_PREFIX.match(shortfall.message)
        message = shortfall.message[found.end() :] if found else shortfall.message
        weeks = groups.setdefault((shortfall.rule, shortfall_kind(shortfall), message), [])
        if shortfall.week is not None:
            weeks.append(shortfall.week)
    merged = [
        ShortfallGroup(rule, kind, tuple(sorted(weeks)), message)
        for (rule, kind, message), weeks in groups.items()
    ]
    return sorted(merged, key=lambda g: (g.weeks[0] if g.weeks else 0, g.rule))
