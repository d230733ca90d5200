"""What the greedy planner knows while it builds a week: the plan's fixed facts (`PlanFacts`),
what the weeks built so far left behind (`History`), and one week's frame (`WeekFrame`):
its days, the kinds it may hold, where each kind fits, and the race's quiet days.

Everything here is read-only during a week's steps except `Placed`, the sessions being
built, and `History`, which the planner extends after each week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.rules import BP, bp, within_band
from periodize.scenario import Scenario
from periodize.targets import counts_for_long, long_targets, target_loads, target_minutes
from periodize.vocabulary import SLOTS, Level, Phase, RaceKind, RatioScope, Slot, Weekday

KindTest = Callable[[SessionKind], bool]

HARD_MINUTES = {Level.BEGINNER: 30, Level.INTERMEDIATE: 45, Level.ADVANCED: 60}
"""The nominal length of a hard session, by level."""
RECOVERY_LONG_SHARE_PCT = 75
"""A recovery week's long session: this share of the last loading week's long target."""
RACE_REST_WINDOW = 6
"""H18: the days before race day among which one is a rest day."""


@dataclass(frozen=True)
class Role:
    """A session the week wants: what kinds may fill it (in order of preference), its
    length relative to an easy session, and whether it may be a double."""

    name: str
    tests: tuple[KindTest, ...]
    weight: float = 1.0
    double_ok: bool = False
    wanted: Callable[[Sequence[Placed]], bool] | None = None
    """Whether the week, holding these sessions, still wants this one (None: always); a
    long hike is one of H08's hikes, a pinned hard session one of H05's."""


@dataclass
class Placed:
    """A session placed on a day of the week, with its minutes range in grid units."""

    day: int
    slot: Slot
    kind: SessionKind
    role: str
    weight: float
    lo: int
    hi: int
    minutes: int = 0
    fixed: bool = False
    """Pinned: kind and minutes are given."""
    rpe: int = field(init=False)
    work_share_pct: int = field(init=False)

    def __post_init__(self) -> None:
        self.rpe, self.work_share_pct = self.kind.rpe, self.kind.work_share_pct

    def retype(self, kind: SessionKind, lo: int, hi: int) -> None:
        """Make this a session of ``kind`` with the grid range [lo, hi]."""
        self.kind, self.lo, self.hi = kind, lo, hi
        self.rpe, self.work_share_pct = kind.rpe, kind.work_share_pct

    @property
    def load(self) -> int:
        return self.minutes * self.rpe

    @property
    def hard_minutes(self) -> int:
        """Minutes above threshold, rounded down (as `SessionKind.hard_minutes`)."""
        return self.minutes * self.work_share_pct // 100


@dataclass
class History:
    """What the weeks planned so far left behind for the rules that look back."""

    minutes: list[int] = field(default_factory=list)
    loads: list[int] = field(default_factory=list)
    hard: list[int] = field(default_factory=list)
    longest_run: int = 0
    longest_hike: int = 0
    demanding_days: set[int] = field(default_factory=set)
    simulated: bool = False
    phase_runs: dict[Phase, tuple[int, int]] = field(default_factory=dict)
    """H15 measured over a phase: the (part, run minutes) of its measured weeks so far."""
    """A simulation session is placed already (H16 asks for one in the peak phase)."""


@dataclass(frozen=True)
class TerrainBand:
    """H15's band of a week: the share it measures (road or trail run minutes over run
    minutes) and its bounds in basis points."""

    measure: str
    lo: int
    hi: int
    grid: int

    def counts(self, kind: SessionKind) -> bool:
        """Whether runs of ``kind`` make the measured share."""
        return kind.is_road_run if self.measure == "road" else kind.is_trail_run

    def holds(self, part: int, run: int) -> bool:
        """Whether ``part`` of ``run`` minutes is inside the band to half a grid step (no
        runs: exempt)."""
        return within_band(part, run, self.lo, self.hi, self.grid)


def growth_cap(longest: int, scenario: Scenario) -> int:
    """H14: the longest a run (hike) may be after a longest run (hike) of ``longest``:
    floor(max(longest x (1 + fraction), longest + minutes))."""
    increase = scenario.resolved_rules.long_increase
    return max((BP + bp(increase.fraction)) * longest // BP, longest + increase.minutes)


class PlanFacts:
    """The scenario's facts the greedy planner reads in every week, computed once."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rules = scenario.resolved_rules
        self.grid = self.rules.grid_minutes
        self.level = scenario.athlete.level
        self.kinds = scenario.allowed_kinds()
        self.race = scenario.race
        self.race_kind: RaceKind | None = self.race.kind if self.race is not None else None
        self.race_day = (self.race.date - scenario.start).days if self.race is not None else None
        self.dates = scenario.dates
        self.pins = {((pin.date - scenario.start).days, pin.slot): pin for pin in scenario.pinned}
        self.exceptions = {exception.date for exception in scenario.exceptions}
        self.target_loads = target_loads(scenario)
        self.target_minutes = target_minutes(scenario)
        self.long_targets = long_targets(scenario)
        calendar = scenario.calendar
        self.first_taper = next((w.index for w in calendar if w.taper), len(calendar) + 1)
        self._units_cache: dict[tuple[dt.date | Weekday, Slot, str], range | None] = {}

    def units(self, day: int, slot: Slot, kind: SessionKind) -> range | None:
        """H01, H02, H03: the grid durations ``kind`` may take in this slot (reachable
        terrain, a slot the kind allows, the open minutes), or None. Cached by weekday (a
        date's availability is its weekday's unless it is an exception)."""
        date = self.dates[day]
        where: dt.date | Weekday = date if date in self.exceptions else Weekday.of(date)
        key = (where, slot, kind.id)
        if key not in self._units_cache:
            units = None
            if kind.allows(slot) and self.scenario.reachable(kind.terrain, date):
                units = self.scenario.grid_durations(date, slot, kind)
            self._units_cache[key] = units
        return self._units_cache[key]

    def counts_for_long(self, kind: SessionKind) -> bool:
        return counts_for_long(kind, self.race_kind)

    @cached_property
    def waived(self) -> set[int]:
        """H15's waived weeks (as `periodize.shortfalls.h15_waivers` finds them): no allowed
        road run, or no trail run, fits on any date of the week."""
        road = [k for k in self.kinds if k.is_road_run]
        trail = [k for k in self.kinds if k.is_trail_run]
        waived: set[int] = set()
        for week in self.scenario.calendar:
            if week.is_race_week or self.scenario.terrain_band(week.phase) is None:
                continue
            for kinds in (road, trail):
                if not any(
                    self.units(day, slot, kind) is not None
                    for day in week.day_indices
                    for slot in SLOTS
                    for kind in kinds
                ):
                    waived.add(week.index)
        return waived


@dataclass
class WeekFrame:
    """One week as the greedy planner sees it before placing a session: its days (race day
    out), the kinds it may hold (H19, H21), where each fits (H01, H02, H03 slots), the race's
    rest and quiet days (H18), its targets, and the history of the weeks before it."""

    facts: PlanFacts
    history: History
    week: Week

    @property
    def scenario(self) -> Scenario:
        return self.facts.scenario

    @property
    def grid(self) -> int:
        return self.facts.grid

    @property
    def index(self) -> int:
        return self.week.index

    @cached_property
    def kinds(self) -> list[SessionKind]:
        """The kinds this week may hold: allowed (H19) and serving the race (H21)."""
        phase = self.week.phase
        return [k for k in self.facts.kinds if self.scenario.serves_the_race(k, phase)]

    @cached_property
    def days(self) -> list[int]:
        """The week's day indices that may hold training: race day holds the race alone,
        the eve of the race stays a rest day (H18)."""
        race_day = self.facts.race_day
        return [d for d in self.week.day_indices if race_day is None or d < race_day - 1]

    @cached_property
    def options(self) -> dict[int, list[tuple[Slot, SessionKind, range]]]:
        """What fits where on each training day (H01, H02, H03 slots), pinned slots out."""
        pins = self.facts.pins
        return {
            day: [
                (slot, kind, units)
                for slot in SLOTS
                if (day, slot) not in pins
                for kind in self.kinds
                if (units := self.facts.units(day, slot, kind)) is not None
            ]
            for day in self.days
        }

    @cached_property
    def lean(self) -> str:
        """The run terrain the phase's band leans to (H15): road, trail or mixed."""
        band = self.scenario.terrain_band(self.week.phase)
        if band is None:
            return "mixed"
        measure, bounds = band
        if bounds.lo >= 0.6:
            return measure
        if bounds.hi <= 0.4:
            return "trail" if measure == "road" else "road"
        return "mixed"

    @cached_property
    def run_sides(self) -> dict[int, frozenset[str]]:
        """The run terrains (road, trail) a run may take on each training day."""
        return {
            day: frozenset(
                "road" if kind.is_road_run else "trail"
                for _, kind, _ in self.options[day]
                if kind.is_road_run or kind.is_trail_run
            )
            for day in self.days
        }

    @cached_property
    def scarce_side(self) -> str | None:
        """The run terrain (road, trail) fewer of the week's days offer; None on a tie."""
        road = sum(1 for sides in self.run_sides.values() if "road" in sides)
        trail = sum(1 for sides in self.run_sides.values() if "trail" in sides)
        if road == trail:
            return None
        return "road" if road < trail else "trail"

    @cached_property
    def band(self) -> TerrainBand | None:
        """H15's band for this week; None where H15 does not measure the week (race week,
        no band, a waived week)."""
        found = self.scenario.terrain_band(self.week.phase)
        if found is None or self.week.is_race_week or self.index in self.facts.waived:
            return None
        measure, bounds = found
        return TerrainBand(measure, bp(bounds.lo), bp(bounds.hi), self.grid)

    @cached_property
    def band_decides(self) -> bool:
        """Whether H15 judges its band on this week: every measured week (``ratio_scope:
        week``), else the last measured week of its phase (the phase's share is what
        counts, earlier weeks only steer toward it)."""
        if self.band is None:
            return False
        if self.facts.rules.ratio_scope is not RatioScope.PHASE:
            return True
        later = self.scenario.calendar[self.index :]
        return not any(
            w.phase is self.week.phase and not w.is_race_week and w.index not in self.facts.waived
            for w in later
        )

    def band_share(self, placed: Sequence[Placed]) -> tuple[int, int]:
        """H15's (part, run minutes) the week is judged on: its own runs (``ratio_scope:
        week``) or, measured over the phase, the phase's weeks so far with this one."""
        band = self.band
        if band is None:
            return 0, 0
        part = run = 0
        for p in placed:
            if p.kind.is_run:
                run += p.minutes
                if band.counts(p.kind):
                    part += p.minutes
        if self.facts.rules.ratio_scope is RatioScope.PHASE:
            before_part, before_run = self.history.phase_runs.get(self.week.phase, (0, 0))
            part, run = part + before_part, run + before_run
        return part, run

    def in_band(self, placed: Sequence[Placed]) -> bool:
        """H15: the week's share of run minutes is inside its band (or not measured)."""
        band = self.band
        return band is None or band.holds(*self.band_share(placed))

    @cached_property
    def quiet_days(self) -> frozenset[int]:
        """H18: the days before the race that hold no demanding session."""
        race_day = self.facts.race_day
        if race_day is None:
            return frozenset()
        quiet = self.facts.rules.race_quiet_days
        return frozenset(range(race_day - quiet, race_day))

    @property
    def max_active_days(self) -> int:
        """H04: the most days with a session (a full race week's race day is one)."""
        if not self.week.full:
            return self.week.days
        active = 7 - self.facts.rules.min_rest_days
        race_day = self.facts.race_day
        if race_day is not None and race_day in self.week.day_indices:
            active -= 1
        return active

    @property
    def max_sessions(self) -> int:
        """H07's cap, one lower in a recovery week (H11)."""
        most = self.facts.rules.sessions_per_week.hi
        return max(0, most - 1) if self.week.recovery else most

    @property
    def max_doubles(self) -> int:
        """H03's doubles cap; none in a recovery week (H11)."""
        return 0 if self.week.recovery else self.facts.rules.max_doubles_per_week

    @property
    def target_minutes(self) -> int:
        return max(0, self.facts.target_minutes[self.index - 1])

    @property
    def target_load(self) -> int:
        return max(0, self.facts.target_loads[self.index - 1])

    @property
    def long_target(self) -> int | None:
        """The week's long target (S6, H14's recipe), None outside full loading weeks."""
        return self.facts.long_targets.get(self.index)

    @property
    def wants_hills(self) -> bool:
        """H16: a full non-recovery build or peak week before a hilly trail race."""
        race, week = self.facts.race, self.week
        return (
            race is not None
            and race.asks_for_hills
            and week.full
            and not week.recovery
            and week.phase.value in ("build", "peak")
        )

    def long_wanted(self) -> int:
        """How long the week's long session should be: its long target in a loading week;
        else a share of the last loading week's target (recovery and partial weeks)."""
        target = self.long_target
        if target is not None:
            return target
        earlier = [t for i, t in self.facts.long_targets.items() if i < self.index]
        last = earlier[-1] if earlier else self.facts.long_targets.get(self.index + 1, 0)
        grid = self.grid
        return RECOVERY_LONG_SHARE_PCT * last // 100 // grid * grid

    def long_reach(self, kind: SessionKind, units: range) -> int:
        """The longest a long session of ``kind`` in a slot of ``units`` may be this week:
        what the week wants, the slot, H14's growth and, for a run, ``max_long_run_share``
        of the week's target minutes; on the duration grid."""
        grid = self.grid
        history, scenario = self.history, self.scenario
        most, wanted = units[-1] * grid, self.long_wanted()
        if kind.is_run:
            most = min(most, growth_cap(history.longest_run, scenario))
            share = bp(self.facts.rules.max_long_run_share)
            wanted = min(wanted, share * self.target_minutes // BP)
        elif kind.is_hike:
            most = min(most, growth_cap(history.longest_hike, scenario))
        least = units[0] * grid
        reach = min(most, max(least, wanted)) // grid * grid
        return reach if reach >= least else 0

    # ----- figures of earlier weeks (baseline before the start) -----

    def figure(self, index: int, name: str) -> int:
        """Minutes, load or hard minutes of week ``index`` (1-based); the baseline before the
        start (hard minutes: a tenth of the weekly minutes, H10)."""
        athlete = self.scenario.athlete
        if index < 1:
            baseline = {
                "minutes": athlete.weekly_minutes,
                "load": athlete.baseline_load,
                "hard": athlete.weekly_minutes // 10,
            }
            return baseline[name]
        history = self.history
        values = {"minutes": history.minutes, "load": history.loads, "hard": history.hard}
        return values[name][index - 1]

    def last_loading(self) -> int | None:
        """The last week before this one that is not a recovery week (H09's reference)."""
        for earlier in reversed(self.scenario.calendar[: self.index - 1]):
            if not earlier.recovery:
                return earlier.index
        return None

    def sum4(self, name: str) -> int:
        return sum(self.figure(j, name) for j in range(self.index - 4, self.index))

    def most4(self, name: str) -> int:
        return max(self.figure(j, name) for j in range(self.index - 4, self.index))

    def pre_taper_most(self) -> int:
        """H17: the highest weekly minutes before the taper (baseline when there are none)."""
        before = self.history.minutes[: self.facts.first_taper - 1]
        return max(before) if before else self.scenario.athlete.weekly_minutes

    @cached_property
    def growth_caps(self) -> tuple[int, int]:
        """H14: the longest run and the longest hike the week may hold."""
        history, scenario = self.history, self.scenario
        return (
            growth_cap(history.longest_run, scenario),
            growth_cap(history.longest_hike, scenario),
        )

    @cached_property
    def limits(self) -> Limits:
        """The week's volume caps and lower bounds, from the weeks before it."""
        return volume_limits(self)


def _training_days(week: Week) -> int:
    """H17: a week's days that may hold training (race week: those before race day)."""
    return week.days - 1 if week.is_race_week else week.days


def _taper_least(share: float, grid: int, peak: int, week: Week) -> int:
    """H17's recipe: the least minutes of taper ``week``, short of ``share`` x ``peak``
    prorated by its days by less than one grid step."""
    floor = bp(share) * peak * week.days // (7 * BP)
    return max(0, floor - grid + 1)


@dataclass(frozen=True)
class Limits:
    """A week's caps on its minutes and load, each with the rule that sets it (the
    tightest first), its lower bounds (H11's and H17's recipes) and H10's references:
    whole numbers, exact for the rules' basis-point fractions (a whole ``v`` keeps
    ``BP v <= x`` exactly when ``v <= x // BP``)."""

    minutes: tuple[tuple[int, str], ...]
    load: tuple[tuple[int, str], ...]
    least_minutes: int
    least_load: int
    levers: bool
    """H10 applies (a full week other than week 1, recovery and taper weeks)."""
    most_minutes: int
    most_hard: int


def volume_limits(frame: WeekFrame) -> Limits:
    """The week's `Limits`: H09 (minutes and load at most 1 + max_weekly_increase times the
    larger of the last non-recovery week and the mean of the four weeks before), H12 (load
    at most acwr_max times that mean), H11 (a recovery week at most recovery_load.hi of the
    week before; recipe at least .lo of its load), H17 (a taper week at most taper_volume.hi
    of the highest week before the taper, per training day no more than the taper week
    before; recipe at least .lo, prorated)."""
    rules, week, i = frame.facts.rules, frame.week, frame.index
    minutes: list[tuple[int, str]] = []
    load: list[tuple[int, str]] = []
    ref = frame.last_loading()
    factor = BP + bp(rules.max_weekly_increase)
    for name, caps in (("minutes", minutes), ("load", load)):
        reference = frame.figure(ref if ref is not None else 0, name)
        caps.append((factor * max(4 * reference, frame.sum4(name)) // (4 * BP), "H09"))
    load.append((bp(rules.acwr_max) * frame.sum4("load") // (4 * BP), "H12"))
    least_minutes = least_load = 0
    before_load, before_minutes = frame.figure(i - 1, "load"), frame.figure(i - 1, "minutes")
    if week.recovery and before_load > 0:
        most = bp(rules.recovery_load.hi)
        load.append((most * before_load // BP, "H11"))
        minutes.append((most * before_minutes // BP, "H11"))
        least_load = -(-bp(rules.recovery_load.lo) * before_load // BP)
    if week.taper:
        peak = frame.pre_taper_most()
        minutes.append((bp(rules.taper_volume.hi) * peak // BP, "H17"))
        least_minutes = _taper_least(rules.taper_volume.lo, rules.grid_minutes, peak, week)
        after = frame.scenario.calendar[i] if i < len(frame.scenario.calendar) else None
        if after is not None and after.taper and _training_days(after) > 0:
            # enough that the next taper week, whose minutes a day may not rise above this
            # week's, can still meet its own least (a race week whose first day is race day
            # has no training day: nothing to keep room for)
            need = _taper_least(rules.taper_volume.lo, rules.grid_minutes, peak, after)
            days, days_after = _training_days(week), _training_days(after)
            least_minutes = max(least_minutes, -(-need * days // days_after))
        before = frame.scenario.calendar[i - 2] if i > 1 else None
        if before is not None and before.taper:
            # H17: volume only falls into race week (minutes per training day)
            days_before, days = _training_days(before), _training_days(week)
            minutes.append((before_minutes * days // days_before, "H17"))
    levers = week.full and i > 1 and not week.recovery and not week.taper
    return Limits(
        minutes=tuple(sorted(minutes)),
        load=tuple(sorted(load)),
        least_minutes=least_minutes,
        least_load=least_load,
        levers=levers,
        most_minutes=frame.most4("minutes"),
        most_hard=frame.most4("hard"),
    )
