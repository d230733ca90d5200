"""A fast constructive planner: the seeds' weekly rhythms, filled greedily week by week.

`greedy_plan` builds a plan in milliseconds, without a solver. It is the baseline the
benchmarks compare the optimised plans against, and it can serve as a CP-SAT solution hint
(`greedy_sessions` returns the ``(day, slot) -> (kind, minutes)`` form the model's
construction uses). It knows nothing of ``periodize.model``: it is domain code.

Each week is filled the way the seeds' weekly rhythms are written (*hike-run*, *trail-road*):

1. **Roles.** One long session (a long hike in a trail or no-race base, a long road run
   before a road race, a long trail session in a trail race's build and peak), the hard
   sessions of the level (road quality in base and build, hills before a trail race), the
   hikes H08 asks for, the trail session, road runs, easy and cross-training sessions
   H16 asks for, a simulation session in a trail peak, then easy runs up to the level's
   session count. Recovery weeks drop one session and keep one hard session at most;
   taper weeks keep one hard session and no long one.
2. **Days.** The long session goes on the preferred long day (else the day with the most
   time), hard sessions as far from other demanding days as the week allows (never on
   consecutive days, H06, across week boundaries too), everything else on free days away
   from the preferred rest day, leaving ``min_rest_days`` empty (H04). The three days
   before a race hold no hard or long session and the eve of the race is a rest day (H18).
   Pins are placed first, exactly as pinned (H20).
3. **Minutes.** Hard sessions get a fixed length (shortened so that hard minutes do not
   rise when minutes do, H10); the other sessions scale with one factor, the largest that
   keeps the week's load at or under the target curve of `targets.target_loads` and every
   weekly cap: progression (H09), acute:chronic (H12), recovery (H11), 80/20 (H13), long
   run share and growth, the long session the longest of its week (H14), taper (H17).
   Where no factor works, the least important session is dropped and the week tried again.
4. **Terrain band.** Easy runs are lengthened, shortened or switched between road and
   trail until the week's road (or trail) share of run minutes is inside its phase band
   (H15), when that is possible without breaking a cap.

What it does not guarantee: recipe minimums (listed as shortfalls, as the solver does), the
terrain band of every week, and rules the greedy order cannot foresee (a pin that breaks a
cap, say). ``periodize.check`` reports what is left; the benchmarks print the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from periodize.calendar import Week
from periodize.catalogue import RACE_KIND, SessionKind
from periodize.plan import Day, Plan, Session, Status, summarise_week
from periodize.rules import BP, bp
from periodize.scenario import Scenario
from periodize.shortfalls import find_shortfalls
from periodize.targets import target_loads
from periodize.vocabulary import (
    SLOTS,
    TRAIL_TERRAINS,
    Intensity,
    Level,
    Modality,
    Phase,
    RaceKind,
    Slot,
    Weekday,
)

Sessions = dict[tuple[int, Slot], tuple[SessionKind, int]]
"""Sessions by (day index from the start, slot): kind and minutes."""

KindTest = Callable[[SessionKind], bool]

HARD_MINUTES = {Level.BEGINNER: 30, Level.INTERMEDIATE: 45, Level.ADVANCED: 60}
"""The nominal length of a hard session, by level."""
LONG_WEIGHT = 1.8
"""The long session's length relative to an easy session's."""
BAND_STEPS = 24
"""Most adjustments the terrain band repair makes in one week."""
MAX_SCALE, SCALE_STEP = 240, 5
"""The easy-session lengths tried, in minutes."""
DROP_ORDER = {
    "strength": 0,
    "easy": 1,
    "cross": 2,
    "simulation": 3,
    "hike": 4,
    "road": 5,
    "trail": 6,
    "hard": 7,
    "long": 8,
}
"""Which session goes first when a week cannot hold them all (lowest first)."""


@dataclass
class _Role:
    """A session the week wants: what kinds may fill it (in order of preference), its
    length relative to an easy session, and whether it may be a double."""

    name: str
    tests: tuple[KindTest, ...]
    weight: float = 1.0
    double_ok: bool = False
    only_below: int | None = None
    """Placed only while the week holds fewer sessions than this (a top-up)."""


@dataclass
class _Placed:
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


@dataclass
class _History:
    """What the weeks planned so far left behind for the rules that look back."""

    minutes: list[int] = field(default_factory=list)
    loads: list[int] = field(default_factory=list)
    hard: list[int] = field(default_factory=list)
    longest_run: int = 0
    longest_hike: int = 0
    demanding_days: set[int] = field(default_factory=set)


class _Planner:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.rules = scenario.resolved_rules
        self.grid = self.rules.grid_minutes
        self.kinds = scenario.allowed_kinds()
        self.targets = target_loads(scenario)
        self.race = scenario.race
        self.race_day = (self.race.date - scenario.start).days if self.race is not None else None
        self.level = scenario.athlete.level
        self.dates = scenario.dates
        self.pins = {((pin.date - scenario.start).days, pin.slot): pin for pin in scenario.pinned}
        self.exceptions = {exception.date for exception in scenario.exceptions}
        calendar = scenario.calendar
        self.first_taper = next((w.index for w in calendar if w.taper), len(calendar) + 1)
        self._units_cache: dict[tuple[dt.date | Weekday, Slot, str], range | None] = {}
        self.waived = self._waivers()
        athlete = scenario.athlete
        self.history = _History(
            longest_run=athlete.long_minutes, longest_hike=athlete.baseline_long_hike
        )
        self.sessions: Sessions = {}

    # ----- facts -----

    def _units(self, day: int, slot: Slot, kind: SessionKind) -> range | None:
        """H01, H02: the grid durations ``kind`` may take in this slot, or None. Cached by
        weekday (a date's availability is its weekday's unless it is an exception)."""
        date = self.dates[day]
        where: dt.date | Weekday = date if date in self.exceptions else Weekday.of(date)
        key = (where, slot, kind.id)
        if key in self._units_cache:
            return self._units_cache[key]
        units = None
        if self.s.reachable(kind.terrain, date):
            units = self.s.grid_durations(date, slot, kind)
        self._units_cache[key] = units
        return units

    def _waivers(self) -> set[int]:
        """H15's waived weeks (as `periodize.shortfalls.h15_waivers` finds them): no
        allowed road run, or no trail run, fits on any date of the week."""
        road = [k for k in self.kinds if k.is_road_run]
        trail = [k for k in self.kinds if k.is_trail_run]
        waived: set[int] = set()
        for week in self.s.calendar:
            if week.is_race_week or self.s.terrain_band(week.phase) is None:
                continue
            first = 7 * (week.index - 1)
            days = range(first, first + week.days)
            for kinds in (road, trail):
                if not any(
                    self._units(day, slot, kind) is not None
                    for day in days
                    for slot in SLOTS
                    for kind in kinds
                ):
                    waived.add(week.index)
        return waived

    def _growth_cap(self, longest: int) -> int:
        increase = self.rules.long_increase
        return max(
            (BP + bp(increase.fraction)) * longest // BP,
            longest + increase.minutes,
        )

    def _figure(self, index: int, name: str) -> int:
        """Minutes or load of week ``index`` (1-based), baseline before the start."""
        athlete = self.s.athlete
        if index < 1:
            return athlete.weekly_minutes if name == "minutes" else athlete.baseline_load
        values = self.history.minutes if name == "minutes" else self.history.loads
        return values[index - 1]

    def _last_loading(self, week: Week) -> int | None:
        for earlier in reversed(self.s.calendar[: week.index - 1]):
            if not earlier.recovery:
                return earlier.index
        return None

    # ----- roles -----

    def _roles(self, week: Week) -> list[_Role]:
        """What the week wants, most important first."""
        rules, level, race = self.rules, self.level, self.race
        race_kind = race.kind if race is not None else None
        phase = week.phase
        trail_race = race_kind is RaceKind.TRAIL
        roles: list[_Role] = []

        def long_tests() -> tuple[KindTest, ...]:
            long_run: KindTest = lambda k: k.long and k.is_run  # noqa: E731
            long_hike: KindTest = lambda k: k.long and k.is_hike  # noqa: E731
            long_road: KindTest = lambda k: k.long and k.is_road_run  # noqa: E731
            long_trail: KindTest = lambda k: k.long and k.is_trail_run  # noqa: E731
            any_long: KindTest = lambda k: k.long  # noqa: E731
            if race_kind is RaceKind.ROAD:
                return (long_road, long_run, any_long)
            if phase is Phase.BASE:
                return (long_hike, long_road, any_long)
            if trail_race:
                return (long_trail, long_hike, any_long)
            return (long_trail, long_run, any_long)  # no race: the build band is half road

        if not week.taper:
            roles.append(_Role("long", long_tests(), LONG_WEIGHT))

        hard = rules.hard_sessions
        count = hard.lo
        if phase in (Phase.BUILD, Phase.PEAK) and not week.recovery:
            count = max(count, 1) if level is Level.BEGINNER else count
            if level is Level.ADVANCED:
                count = max(count, min(hard.hi, 2))
        if week.recovery:
            count = min(count, 1, hard.hi)
        if week.taper:
            count = 0 if level is Level.BEGINNER else 1
        if week.is_race_week:
            count = 0  # the race is the week's hard session
        count = min(count, hard.hi)
        road_hard: KindTest = lambda k: k.hard and k.is_road_run  # noqa: E731
        trail_hard: KindTest = lambda k: k.hard and k.is_run and k.terrain in TRAIL_TERRAINS  # noqa: E731
        any_hard: KindTest = lambda k: k.hard  # noqa: E731
        hard_tests = (road_hard, trail_hard, any_hard)
        if phase is Phase.PEAK and trail_race:
            hard_tests = (trail_hard, road_hard, any_hard)
        for i in range(count):
            tests = hard_tests if i == 0 else (trail_hard, road_hard, any_hard)
            roles.append(_Role("hard", tests))

        easy_hike: KindTest = lambda k: k.is_hike and not k.long  # noqa: E731
        any_hike: KindTest = lambda k: k.is_hike  # noqa: E731
        if (race is None or trail_race) and phase in (Phase.BASE, Phase.BUILD):
            hikes = rules.min_hikes_per_week - (1 if week.recovery else 0)
            for _ in range(max(0, hikes)):
                roles.append(_Role("hike", (easy_hike, any_hike), 1.2))

        road_easy: KindTest = lambda k: (  # noqa: E731
            k.is_road_run and k.intensity is Intensity.EASY and not k.long
        )
        trail_easy: KindTest = lambda k: (  # noqa: E731
            k.is_trail_run and k.intensity is Intensity.EASY and not k.long
        )
        easy_any: KindTest = lambda k: k.intensity is Intensity.EASY and not k.long  # noqa: E731
        cross: KindTest = lambda k: k.is_cross_training  # noqa: E731
        strength: KindTest = lambda k: k.modality is Modality.STRENGTH  # noqa: E731
        detailed = level is not Level.BEGINNER and week.full and not week.recovery
        if detailed and phase is Phase.BASE:
            roles.append(_Role("trail", (trail_easy, easy_hike, lambda k: k.is_trail_session)))
            roles.append(_Role("road", (road_easy, lambda k: k.is_road_run)))
            roles.append(_Role("road", (road_easy, lambda k: k.is_road_run)))
        if detailed and phase is Phase.BUILD:
            roles.append(_Role("cross", (cross,), 0.8, double_ok=True))
            roles.append(_Role("easy", (trail_easy, road_easy, easy_any)))
        if phase is Phase.PEAK and trail_race and week.full and not week.recovery:
            roles.append(_Role("simulation", (lambda k: k.simulation,)))

        lo, hi = rules.sessions_per_week.lo, rules.sessions_per_week.hi
        wanted = lo
        if phase in (Phase.BUILD, Phase.PEAK) and not week.recovery and level is not Level.BEGINNER:
            wanted = lo + 1
        if week.recovery:
            wanted = lo - 1
        if not week.full:
            wanted = round(wanted * week.days / 7)
        wanted = max(0, min(hi, wanted))
        # easy runs on the terrain the phase's band leans to; alternating when balanced
        band = self.s.terrain_band(phase)
        lean = "mixed"
        if band is not None:
            measure, bounds = band
            if bounds.lo >= 0.6:
                lean = measure
            elif bounds.hi <= 0.4:
                lean = "trail" if measure == "road" else "road"
        index = 0
        while len(roles) < wanted:
            if lean == "road" or (lean == "mixed" and index % 2):
                first, second = road_easy, trail_easy
            else:
                first, second = trail_easy, road_easy
            roles.append(_Role("easy", (first, second, easy_hike, cross)))
            index += 1
        if week.full:
            # top-ups where the days ran out before the sessions did: doubles, tried last
            need = lo - (1 if week.recovery else 0)
            top_up = _Role("strength", (strength, cross), 0.6, double_ok=True, only_below=need)
            roles += [top_up] * max(0, need)
        return roles

    # ----- days -----

    def _place(self, week: Week, roles: Sequence[_Role]) -> list[_Placed]:
        s, rules = self.s, self.rules
        first = 7 * (week.index - 1)
        days = list(range(first, first + week.days))
        placed: list[_Placed] = []
        used: dict[int, list[_Placed]] = {}
        for (day, slot), pin in sorted(self.pins.items()):
            if first <= day < first + week.days:
                kind = s.catalogue[pin.kind]
                size = pin.minutes // self.grid
                item = _Placed(day, slot, kind, "pin", 0, size, size, pin.minutes, fixed=True)
                placed.append(item)
                used.setdefault(day, []).append(item)
        demanding = set(self.history.demanding_days)
        demanding |= {p.day for p in placed if p.kind.is_demanding}
        race_day = self.race_day
        max_days = len(days)
        if week.full:
            max_days = 7 - rules.min_rest_days
        if race_day is not None and race_day in days:
            max_days -= 1 if week.full else 0
            days.remove(race_day)
        doubles = sum(1 for items in used.values() if len(items) > 1)
        prefs = s.preferences
        # what fits where this week (H01, H02), computed once
        options = {
            day: [
                (slot, kind, units)
                for slot in SLOTS
                if (day, slot) not in self.pins
                for kind in self.kinds
                if (units := self._units(day, slot, kind)) is not None
            ]
            for day in days
        }
        for role in roles:
            if len(placed) >= rules.sessions_per_week.hi:
                break
            if role.only_below is not None and len(placed) >= role.only_below:
                continue
            best: tuple[float, int, Slot, SessionKind, range] | None = None
            for rank, test in enumerate(role.tests):
                kinds = {k.id for k in self.kinds if test(k)}
                for day in days:
                    items = used.get(day, [])
                    is_double = bool(items)
                    if is_double:
                        if not role.double_ok or len(items) > 1:
                            continue
                        if doubles >= rules.max_doubles_per_week:
                            continue
                    elif len(used) >= max_days:
                        continue
                    if race_day is not None and race_day - 1 == day:
                        continue
                    weekday = Weekday.of(self.dates[day])
                    taken = {i.slot for i in items}
                    hard_today = any(i.kind.hard for i in items)
                    eve = race_day is not None and race_day - 3 <= day < race_day
                    next_to_demanding = day - 1 in demanding or day + 1 in demanding
                    for slot, kind, units in options[day]:
                        if kind.id not in kinds or slot in taken:
                            continue
                        if kind.hard and hard_today:
                            continue
                        if eve and (kind.hard or kind.long):
                            continue
                        if next_to_demanding and kind.is_demanding:
                            continue
                        score = self._score(
                            role, kind, day, slot, units, weekday, placed, demanding
                        )
                        score += 1000 * rank + (500 if is_double else 0)
                        if prefs.rest_day is not None and weekday == prefs.rest_day:
                            score += 300
                        if best is None or score < best[0]:
                            best = (score, day, slot, kind, units)
                if best is not None:
                    break
            if best is None:
                continue
            _, day, slot, kind, units = best
            if used.get(day):
                doubles += 1
            item = _Placed(day, slot, kind, role.name, role.weight, units[0], units[-1])
            placed.append(item)
            used.setdefault(day, []).append(item)
            if kind.is_demanding:
                demanding.add(day)
        return placed

    def _score(
        self,
        role: _Role,
        kind: SessionKind,
        day: int,
        slot: Slot,
        units: range,
        weekday: Weekday,
        placed: Sequence[_Placed],
        demanding: set[int],
    ) -> float:
        """Lower is better."""
        prefs = self.s.preferences
        room = units[-1] * self.grid
        score = 0.0
        if role.name == "long":
            if prefs.long_day is not None and weekday == prefs.long_day:
                score -= 400
            score -= room  # the most time
        else:
            score -= min(room, 60) / 10
        if kind.is_demanding:
            # as far as possible from the other demanding days
            gap = min((abs(day - d) for d in demanding), default=7)
            score -= 20 * min(gap, 3)
        # variety: not the same kind on consecutive days
        if any(p.kind.id == kind.id and abs(p.day - day) == 1 for p in placed):
            score += 40
        if any(p.day == day for p in placed):
            score += 10
        if slot is Slot.PM:
            score += 0.5
        return score

    # ----- minutes -----

    def _lengths(self, week: Week, placed: list[_Placed], scale: int) -> None:
        """Set every session's minutes for the easy-session length ``scale``: each session
        its weight x ``scale`` within its range and H14's growth cap, hard sessions at most
        the level's nominal length; then the long session at least as long as every other
        and, for a long run, at most ``max_long_run_share`` of the week (H14)."""
        grid = self.grid
        run_cap = self._growth_cap(self.history.longest_run) // grid
        hike_cap = self._growth_cap(self.history.longest_hike) // grid
        hard_units = HARD_MINUTES[self.level] // grid
        for p in placed:
            if p.fixed:
                continue
            units = round(p.weight * scale) // grid
            if p.kind.hard:
                units = min(units, hard_units)
            units = max(p.lo, min(p.hi, units))
            if p.kind.is_run:
                units = min(units, run_cap)
            elif p.kind.is_hike:
                units = min(units, hike_cap)
            p.minutes = units * grid
        long = next((p for p in placed if p.kind.long and not p.fixed), None)
        if long is None:
            return
        share = bp(self.rules.max_long_run_share)
        others = [p for p in placed if p is not long]
        for _ in range(4):
            if long.kind.is_run and share < BP:
                rest = sum(p.minutes for p in others)
                most = share * rest // (BP - share) // grid * grid
                long.minutes = min(long.minutes, most)
            changed = False
            for p in others:
                if not p.fixed and p.minutes > long.minutes:
                    p.minutes = max(p.lo * grid, long.minutes // grid * grid)
                    changed = True
            if not changed:
                return

    def _shorten_hard(self, week: Week, placed: list[_Placed]) -> None:
        """H10: hard minutes no higher than the last loading week's, where that is possible."""
        ref = self._last_loading(week)
        if ref is None or week.index == 1 or not week.full or week.recovery or week.taper:
            return
        allowed = self.history.hard[ref - 1]
        hard = [p for p in placed if p.kind.work_share_pct and not p.fixed]
        while sum(p.kind.hard_minutes(p.minutes) for p in placed) > allowed:
            longer = [p for p in hard if p.minutes > p.lo * self.grid]
            if not longer:
                return
            biggest = max(longer, key=lambda p: p.minutes)
            biggest.minutes -= self.grid

    def _week_ok(self, week: Week, placed: Sequence[_Placed]) -> bool:
        """Every weekly cap holds (H09, H10, H11, H12, H13, H14, H17)."""
        rules = self.rules
        minutes = sum(p.minutes for p in placed)
        load = sum(p.minutes * p.kind.rpe for p in placed)
        hard = sum(p.kind.hard_minutes(p.minutes) for p in placed)
        i = week.index
        if any(p.minutes < p.lo * self.grid for p in placed if not p.fixed):
            return False
        # H09
        ref = self._last_loading(week)
        factor = BP + bp(rules.max_weekly_increase)
        for name, value in (("minutes", minutes), ("load", load)):
            reference = self._figure(ref if ref is not None else 0, name)
            recent = sum(self._figure(j, name) for j in range(i - 4, i))
            if 4 * BP * value > factor * max(4 * reference, recent):
                return False
        # H12
        recent_load = sum(self._figure(j, "load") for j in range(i - 4, i))
        if 4 * BP * load > bp(rules.acwr_max) * recent_load:
            return False
        # H11
        if week.recovery and i > 1:
            before = self.history.loads[i - 2]
            if before > 0 and BP * load > bp(rules.recovery_load.hi) * before:
                return False
        # H13
        if BP * hard > bp(rules.max_hard_share) * minutes:
            return False
        # H10
        levers = ref is not None and i > 1 and week.full and not week.recovery and not week.taper
        if (
            levers
            and ref is not None
            and minutes > self.history.minutes[ref - 1]
            and hard > self.history.hard[ref - 1]
        ):
            return False
        # H14
        longs = [p for p in placed if p.kind.long]
        if len(longs) > 1:
            return False
        for p in longs:
            if any(o.minutes > p.minutes for o in placed if o is not p):
                return False
            if p.kind.is_run and BP * p.minutes > bp(rules.max_long_run_share) * minutes:
                return False
        run_cap = self._growth_cap(self.history.longest_run)
        hike_cap = self._growth_cap(self.history.longest_hike)
        for p in placed:
            if p.fixed:
                continue
            if p.kind.is_run and p.minutes > run_cap:
                return False
            if p.kind.is_hike and p.minutes > hike_cap:
                return False
        # H17
        if week.taper:
            before = self._pre_taper_max()
            if BP * minutes > bp(rules.taper_volume.hi) * before:
                return False
        return True

    def _pre_taper_max(self) -> int:
        loading = [w for w in self.s.calendar if w.index < self._first_taper()]
        if not loading:
            return self.s.athlete.weekly_minutes
        return max(self.history.minutes[w.index - 1] for w in loading)

    def _first_taper(self) -> int:
        return self.first_taper

    def _fit(self, week: Week, placed: list[_Placed]) -> list[_Placed]:
        """The largest easy-session length that keeps the week under its target load and
        every cap; drop the least important session while none does."""
        target = max(0, self.targets[week.index - 1])

        def fits(scale: int) -> int | None:
            """The week's load at ``scale`` when every cap holds, else None."""
            self._lengths(week, placed, scale)
            self._shorten_hard(week, placed)
            if not self._week_ok(week, placed):
                return None
            return sum(p.minutes * p.kind.rpe for p in placed)

        while True:
            # the largest scale (in steps of SCALE_STEP minutes) whose load is at most the
            # target with every cap holding; then the step above it if it is closer
            low, high = 0, MAX_SCALE // SCALE_STEP
            best: int | None = None
            while low <= high:
                middle = (low + high) // 2
                load = fits(middle * SCALE_STEP)
                if load is not None and load <= target:
                    best, low = middle, middle + 1
                else:
                    high = middle - 1
            if best is not None:
                below = fits(best * SCALE_STEP)
                above = fits((best + 1) * SCALE_STEP)
                assert below is not None
                if above is not None and abs(above - target) < abs(below - target):
                    return placed
                fits(best * SCALE_STEP)
                return placed
            droppable = [p for p in placed if not p.fixed]
            if not droppable:
                return placed
            placed.remove(min(droppable, key=lambda p: DROP_ORDER.get(p.role, 0)))

    # ----- terrain band -----

    def _band(self, week: Week, placed: list[_Placed]) -> None:
        """H15: move the week's road (trail) share of run minutes into its band."""
        found = self.s.terrain_band(week.phase)
        if found is None or week.is_race_week or week.index in self.waived:
            return
        measure, band = found
        lo, hi = bp(band.lo), bp(band.hi)

        def side(kind: SessionKind) -> bool:
            return kind.is_road_run if measure == "road" else kind.is_trail_run

        def part_of(p: _Placed) -> bool:
            return side(p.kind)

        def share() -> tuple[int, int]:
            run = sum(p.minutes for p in placed if p.kind.is_run)
            part = sum(p.minutes for p in placed if p.kind.is_run and part_of(p))
            return part, run

        grid = self.grid
        for _ in range(BAND_STEPS):
            part, run = share()
            if run == 0 or lo * run <= BP * part <= hi * run:
                return
            raise_part = BP * part < lo * run
            moves: list[Callable[[], Callable[[], None] | None]] = []
            flexible = [p for p in placed if not p.fixed and not p.kind.hard and not p.kind.long]
            for p in flexible:
                if not p.kind.is_run:
                    continue
                inside = part_of(p)
                grow = inside == raise_part
                moves.append(self._resize(p, grid if grow else -grid))

            def easy_run(k: SessionKind) -> bool:
                return k.is_run and k.intensity is Intensity.EASY and not k.long and not k.hard

            def wanted_run(k: SessionKind, raise_part: bool = raise_part) -> bool:
                return easy_run(k) and side(k) == raise_part

            def easy_other(k: SessionKind) -> bool:
                return not k.is_run and k.intensity is Intensity.EASY and not k.long

            def wanted_hard(k: SessionKind, raise_part: bool = raise_part) -> bool:
                return k.hard and k.is_run and side(k) == raise_part

            for p in flexible:
                if p.kind.is_run and part_of(p) != raise_part:
                    moves.append(self._switch(week, placed, p, wanted_run))
            for p in flexible:
                if not p.kind.is_run and p.kind.intensity is Intensity.EASY:
                    moves.append(self._switch(week, placed, p, wanted_run))
            for p in flexible:
                if p.kind.is_run and part_of(p) != raise_part:
                    moves.append(self._switch(week, placed, p, easy_other))
            for p in placed:
                if p.kind.hard and p.kind.is_run and not p.fixed and part_of(p) != raise_part:
                    moves.append(self._switch(week, placed, p, wanted_hard))
            for p in placed:
                if p.kind.long and not p.fixed and p.kind.is_run and part_of(p) != raise_part:
                    moves.append(self._resize(p, -grid))
            for p in placed:
                if p.kind.hard and not p.fixed and p.kind.is_run:
                    moves.append(self._resize(p, grid if part_of(p) == raise_part else -grid))
            moves.append(self._add_run(week, placed, raise_part, part_of))
            applied = False
            for move in moves:
                undo = move()
                if undo is None:
                    continue
                if self._week_ok(week, placed) and self._closer(share(), (part, run), lo, hi):
                    applied = True
                    break
                undo()
            if not applied:
                return

    @staticmethod
    def _closer(now: tuple[int, int], before: tuple[int, int], lo: int, hi: int) -> bool:
        def distance(value: tuple[int, int]) -> float:
            part, run = value
            if run == 0:
                return 0.0
            share = BP * part / run
            return max(0.0, lo - share, share - hi)

        return distance(now) < distance(before)

    def _add_run(
        self,
        week: Week,
        placed: list[_Placed],
        to_part: bool,
        part_of: Callable[[_Placed], bool],
    ) -> Callable[[], Callable[[], None] | None]:
        """A move that adds a short easy run on the band's side (``to_part``) on a free day
        (or as a double where doubles are left), when the week has room for one more
        session, and shortens the longest other sessions until the week's caps hold."""

        def move() -> Callable[[], None] | None:
            rules = self.rules
            if len(placed) >= rules.sessions_per_week.hi:
                return None
            first = 7 * (week.index - 1)
            days = set(range(first, first + week.days))
            by_day: dict[int, list[_Placed]] = {}
            for p in placed:
                by_day.setdefault(p.day, []).append(p)
            race_day = self.race_day
            max_days = 7 - rules.min_rest_days if week.full else week.days
            if race_day is not None and race_day in days:
                days.discard(race_day)
                days.discard(race_day - 1)
                max_days -= 1 if week.full else 0
            doubles = sum(1 for items in by_day.values() if len(items) > 1)
            free = sorted(days - set(by_day)) if len(by_day) < max_days else []
            if doubles < rules.max_doubles_per_week:
                free += sorted(d for d in days if len(by_day.get(d, [])) == 1)
            for day in free:
                taken = {p.slot for p in by_day.get(day, [])}
                for slot in SLOTS:
                    if (day, slot) in self.pins or slot in taken:
                        continue
                    for kind in self.kinds:
                        if not kind.is_run or kind.long or kind.hard:
                            continue
                        if kind.intensity is not Intensity.EASY:
                            continue
                        probe = _Placed(day, slot, kind, "easy", 1.0, 0, 0)
                        if part_of(probe) != to_part:
                            continue
                        units = self._units(day, slot, kind)
                        if units is None:
                            continue
                        probe.lo, probe.hi = units[0], units[-1]
                        probe.minutes = units[0] * self.grid
                        return self._insert(week, placed, probe)
            return None

        return move

    def _insert(self, week: Week, placed: list[_Placed], new: _Placed) -> Callable[[], None]:
        """Add ``new`` to the week and shorten the longest other sessions (a grid step at a
        time, at most eight) until the week's caps hold; the undo of all of it."""
        before = [(p, p.minutes) for p in placed]
        placed.append(new)

        def undo() -> None:
            placed.remove(new)
            for p, minutes in before:
                p.minutes = minutes

        self._squeeze(week, placed, new)
        return undo

    def _squeeze(self, week: Week, placed: list[_Placed], keep: _Placed) -> None:
        """Shorten the sessions with the most load other than ``keep`` (a grid step at a
        time, at most eight) until the week's caps hold."""
        for _ in range(8):
            if self._week_ok(week, placed):
                return
            shorter = [
                p for p in placed if p is not keep and not p.fixed and p.minutes > p.lo * self.grid
            ]
            if not shorter:
                return
            longest = max(shorter, key=lambda p: (p.minutes * p.kind.rpe, p.kind.long))
            longest.minutes -= self.grid

    def _resize(self, p: _Placed, delta: int) -> Callable[[], Callable[[], None] | None]:
        def move() -> Callable[[], None] | None:
            new = p.minutes + delta
            if not p.lo * self.grid <= new <= p.hi * self.grid:
                return None
            old = p.minutes
            p.minutes = new

            def undo() -> None:
                p.minutes = old

            return undo

        return move

    def _switch(
        self,
        week: Week,
        placed: list[_Placed],
        p: _Placed,
        test: KindTest,
    ) -> Callable[[], Callable[[], None] | None]:
        """A move that turns ``p`` into the first kind that passes ``test`` and fits its
        slot, at about the same load, then shortens other sessions while a cap is broken."""

        def move() -> Callable[[], None] | None:
            for kind in self.kinds:
                if kind.id == p.kind.id or not test(kind):
                    continue
                units = self._units(p.day, p.slot, kind)
                if units is None:
                    continue
                same_load = p.minutes * p.kind.rpe // kind.rpe // self.grid
                minutes = min(max(same_load, units[0]), units[-1]) * self.grid
                before = [(q, q.minutes) for q in placed]
                old = (p.kind, p.lo, p.hi)
                p.kind, p.lo, p.hi, p.minutes = kind, units[0], units[-1], minutes
                self._squeeze(week, placed, p)

                def undo(
                    old: tuple[SessionKind, int, int] = old,
                    before: list[tuple[_Placed, int]] = before,
                ) -> None:
                    p.kind, p.lo, p.hi = old
                    for q, value in before:
                        q.minutes = value

                return undo
            return None

        return move

    # ----- the whole plan -----

    def plan(self) -> Sessions:
        for week in self.s.calendar:
            roles = self._roles(week)
            placed = self._place(week, roles)
            placed = self._fit(week, placed)
            self._band(week, placed)
            self._record(week, placed)
        return self.sessions

    def _record(self, week: Week, placed: Sequence[_Placed]) -> None:
        history = self.history
        history.minutes.append(sum(p.minutes for p in placed))
        history.loads.append(sum(p.minutes * p.kind.rpe for p in placed))
        history.hard.append(sum(p.kind.hard_minutes(p.minutes) for p in placed))
        for p in placed:
            self.sessions[(p.day, p.slot)] = (p.kind, p.minutes)
            if p.kind.is_run:
                history.longest_run = max(history.longest_run, p.minutes)
            if p.kind.is_hike:
                history.longest_hike = max(history.longest_hike, p.minutes)
            if p.kind.is_demanding:
                history.demanding_days.add(p.day)


def greedy_sessions(scenario: Scenario) -> Sessions:
    """The greedy plan's sessions by (day index from the start, slot): kind and minutes.
    The race session is not included (the model places it)."""
    return _Planner(scenario).plan()


def greedy_plan(scenario: Scenario) -> Plan:
    """The greedy plan as a `Plan` with status ``feasible``: days (the race on race day),
    weekly summaries and shortfalls, built as `periodize.solve` builds its plans. It is not
    checked: run ``periodize.check`` on it to see which rules it misses."""
    sessions = greedy_sessions(scenario)
    return plan_from_sessions(scenario, sessions)


def plan_from_sessions(scenario: Scenario, sessions: Sessions) -> Plan:
    """A feasible-status `Plan` holding ``sessions`` (and the race on race day)."""
    by_day: dict[int, list[Session]] = {}
    for (day, slot), (kind, minutes) in sessions.items():
        by_day.setdefault(day, []).append(Session.of(kind, slot, minutes))
    race = scenario.race
    if race is not None:
        race_day = (race.date - scenario.start).days
        kind = scenario.catalogue[RACE_KIND]
        by_day[race_day] = [Session.of(kind, Slot.AM, scenario.race_minutes())]
    dates: list[dt.date] = scenario.dates
    days = tuple(
        Day(
            date=date,
            weekday=Weekday.of(date),
            sessions=tuple(sorted(by_day.get(index, []), key=lambda s: s.slot != Slot.AM)),
        )
        for index, date in enumerate(dates)
    )
    weeks = tuple(
        summarise_week(week, [d for d in days if week.contains(d.date)])
        for week in scenario.calendar
    )
    shortfalls = tuple(find_shortfalls(scenario, days))
    misses = sum(1 for s in shortfalls if s.rule != "H15")
    return Plan(
        scenario=scenario.name,
        status=Status.FEASIBLE,
        objective_terms={"S0": misses},
        weeks=weeks,
        days=days,
        shortfalls=shortfalls,
    )


__all__ = ["Sessions", "greedy_plan", "greedy_sessions", "plan_from_sessions"]
