"""The scenario: an athlete's real week and goal, validated (scenario.md is the contract).

Every model is frozen and forbids unknown keys. `Scenario` checks everything that can be
checked without solving: horizon, race date, phases, pins, session ids. A scenario that
is valid but cannot be satisfied is not an error here; the solver explains it.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from periodize.calendar import Week, build_calendar
from periodize.catalogue import RACE_KIND, SessionKind, SessionKindOverride, merge_catalogue
from periodize.heart_rate import HeartRate, Zones
from periodize.rules import Band, RuleOverrides, Rules, resolve_rules
from periodize.vocabulary import (
    SLOTS,
    WEEKDAYS,
    Injury,
    Level,
    Phase,
    RaceKind,
    Slot,
    Terrain,
    Weekday,
)

MAX_WEEKS = 104
"""The longest horizon a scenario may ask for (two seasons)."""

HILLY_M_PER_KM = 25
"""H16: metres of climbing per km from which a trail race asks for weekly hill work."""

DayMinutes = Annotated[int, Field(ge=0, le=1440)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Athlete(_Frozen):
    """Who trains: level, recent training (the baseline) and injuries."""

    level: Level
    weekly_minutes: Annotated[int, Field(ge=0, le=7 * 1440)]
    weekly_load: Annotated[int, Field(ge=0, le=7 * 1440 * 10)] | None = None
    long_minutes: DayMinutes
    long_hike_minutes: DayMinutes | None = None
    injuries: tuple[Injury, ...] = ()
    hr: HeartRate | None = None
    """Heart rate (periodize.heart_rate): zones for workout targets and logged efforts."""

    @property
    def zones(self) -> Zones | None:
        """The athlete's heart-rate zones, when ``hr`` gives them."""
        return self.hr.zones_bpm() if self.hr is not None else None

    @property
    def baseline_load(self) -> int:
        """Recent weekly load; defaults to weekly_minutes x 4 (rules.md, Baseline)."""
        return self.weekly_load if self.weekly_load is not None else self.weekly_minutes * 4

    @property
    def baseline_long_hike(self) -> int:
        """Recent longest hike; defaults to 1.5 x the longest run."""
        if self.long_hike_minutes is not None:
            return self.long_hike_minutes
        return math.floor(1.5 * self.long_minutes)


class SlotMinutes(_Frozen):
    """Minutes available in each slot of one day; a missing slot is not available."""

    am: DayMinutes | None = None
    pm: DayMinutes | None = None

    @model_validator(mode="after")
    def _fits_a_day(self) -> Self:
        if (self.am or 0) + (self.pm or 0) > 1440:
            raise ValueError("am + pm exceeds the 1440 minutes of a day")
        return self

    def minutes(self, slot: Slot) -> int:
        """Minutes available in ``slot`` (0 when not available)."""
        value = self.am if slot is Slot.AM else self.pm
        return value or 0

    def minutes_text(self) -> str:
        """``am 40 + pm 60`` style summary of the open slots."""
        parts = [f"{slot.value} {self.minutes(slot)}" for slot in SLOTS if self.minutes(slot)]
        return " + ".join(parts) or "closed"


class AvailabilityException(SlotMinutes):
    """A date whose availability replaces its weekday's (nothing, unless slots are given)."""

    date: dt.date


class Race(_Frozen):
    """The goal race; the plan ends on its date."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    date: dt.date
    kind: RaceKind
    distance_km: Annotated[float, Field(gt=0, le=500)]
    elevation_gain_m: Annotated[int, Field(ge=0, le=30_000)] = 0
    expected_minutes: Annotated[int, Field(ge=10, le=1440)] | None = None

    @property
    def effort_km(self) -> float:
        """Distance plus one kilometre per 100 m of climbing (trail's effort-kilometres)."""
        return self.distance_km + self.elevation_gain_m / 100

    @property
    def climbing_per_km(self) -> float:
        """Metres of climbing per kilometre of distance."""
        return self.elevation_gain_m / self.distance_km

    @property
    def asks_for_hills(self) -> bool:
        """H16's hill recipe: a trail race with at least `HILLY_M_PER_KM` of climbing per km
        wants a hill session in every full non-recovery build and peak week."""
        return self.kind is RaceKind.TRAIL and self.climbing_per_km >= HILLY_M_PER_KM

    def estimated_minutes(self, level: Level) -> int:
        """The race time (rules.md, Race time): ``expected_minutes`` when given, else 6.0
        min per km on road or 6.5 min per effort-km on trail, times a level factor
        (beginner 1.25, intermediate 1.0, advanced 0.85), rounded half up, in 10-1440."""
        if self.expected_minutes is not None:
            return self.expected_minutes
        base = 6.0 * self.distance_km if self.kind is RaceKind.ROAD else 6.5 * self.effort_km
        factor = {Level.BEGINNER: 1.25, Level.INTERMEDIATE: 1.0, Level.ADVANCED: 0.85}[level]
        return max(10, min(1440, math.floor(base * factor + 0.5)))


class Goal(_Frozen):
    """What the plan builds toward; without a race, general fitness."""

    race: Race | None = None


class Preferences(_Frozen):
    """Soft wishes (S4): the weekday for the long session and the one to keep free."""

    long_day: Weekday | None = None
    rest_day: Weekday | None = None


class ObjectiveWeights(_Frozen):
    """Weights of the soft terms S0-S6 by their names in rules.md."""

    recipes: Annotated[int, Field(ge=0, le=10_000)] = 100
    systems_balance: Annotated[int, Field(ge=0, le=1000)] = 3
    load_trajectory: Annotated[int, Field(ge=0, le=1000)] = 2
    variety: Annotated[int, Field(ge=0, le=1000)] = 1
    preferences: Annotated[int, Field(ge=0, le=1000)] = 1
    stability: Annotated[int, Field(ge=0, le=1000)] = 5
    long_progression: Annotated[int, Field(ge=0, le=1000)] = 3


class Pin(_Frozen):
    """A session that happens exactly so (H20)."""

    date: dt.date
    slot: Slot
    kind: str
    minutes: Annotated[int, Field(ge=1, le=1440)]


TerrainAccess = Literal["all"] | tuple[Weekday, ...]


class Scenario(_Frozen):
    """One athlete's planning problem: calendar, athlete, week, terrain, goal and rules."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    start: dt.date
    weeks: Annotated[int, Field(ge=1, le=MAX_WEEKS)] | None = None
    phases: tuple[Phase, ...] | None = None
    athlete: Athlete
    availability: dict[Weekday, SlotMinutes] = Field(default_factory=dict)
    exceptions: tuple[AvailabilityException, ...] = ()
    terrain: dict[Terrain, TerrainAccess] = Field(default_factory=dict)
    goal: Goal = Goal()
    preferences: Preferences = Preferences()
    rules: RuleOverrides = RuleOverrides()
    objective: ObjectiveWeights = ObjectiveWeights()
    sessions: tuple[SessionKindOverride, ...] = ()
    pinned: tuple[Pin, ...] = ()

    @field_validator("terrain", mode="before")
    @classmethod
    def _terrain_access(cls, value: object) -> object:
        if isinstance(value, dict):
            for terrain, access in value.items():
                if access != "all" and not isinstance(access, list | tuple):
                    raise ValueError(
                        f"terrain {terrain}: {access!r} is neither 'all' nor a list of "
                        "weekdays such as [sat, sun]"
                    )
        return value

    @field_validator("sessions")
    @classmethod
    def _unique_session_ids(
        cls, value: tuple[SessionKindOverride, ...]
    ) -> tuple[SessionKindOverride, ...]:
        seen: set[str] = set()
        for entry in value:
            if entry.id in seen:
                raise ValueError(f"duplicate session id {entry.id!r}: give each kind once")
            seen.add(entry.id)
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        race = self.race
        try:
            self.start + dt.timedelta(days=7 * (self.weeks or 1) + 7)
        except OverflowError:
            raise ValueError(
                f"start {self.start}: the plan would run past the last calendar date; start earlier"
            ) from None
        if race is None and self.weeks is None:
            raise ValueError("weeks is required when there is no goal race (e.g. weeks: 12)")
        if race is not None:
            if race.date < self.start:
                raise ValueError(
                    f"goal.race.date {race.date} is before start {self.start}: "
                    "move the start earlier or the race later"
                )
            race_weeks = math.ceil(((race.date - self.start).days + 1) / 7)
            if race_weeks > MAX_WEEKS:
                raise ValueError(
                    f"the race is {race_weeks} weeks after the start; the horizon is at most "
                    f"{MAX_WEEKS} weeks: start later"
                )
            if self.weeks is not None and self.weeks != race_weeks:
                raise ValueError(
                    f"weeks: {self.weeks} disagrees with the race date: from {self.start} to "
                    f"{race.date} is {race_weeks} weeks; drop weeks or set it to {race_weeks}"
                )
        if self.phases is not None and len(self.phases) != self.horizon_weeks:
            raise ValueError(
                f"phases has {len(self.phases)} entries but the plan has "
                f"{self.horizon_weeks} weeks: give one phase per week"
            )
        self._check_exceptions()
        catalogue = merge_catalogue(self.sessions)
        self._check_pins(catalogue)
        return self

    def _check_exceptions(self) -> None:
        seen: set[dt.date] = set()
        for exception in self.exceptions:
            if exception.date in seen:
                raise ValueError(f"exceptions: {exception.date} is listed twice: merge them")
            seen.add(exception.date)
            if not self.start <= exception.date <= self.end:
                raise ValueError(
                    f"exceptions: {exception.date} is outside the plan "
                    f"({self.start} to {self.end}): remove it or fix the date"
                )

    def _check_pins(self, catalogue: dict[str, SessionKind]) -> None:
        seen: set[tuple[dt.date, Slot]] = set()
        race = self.race
        for pin in self.pinned:
            where = f"pinned {pin.kind} on {pin.date} {pin.slot}"
            if not self.start <= pin.date <= self.end:
                raise ValueError(
                    f"{where} is outside the plan ({self.start} to {self.end}): fix the date"
                )
            if (pin.date, pin.slot) in seen:
                raise ValueError(f"{where}: that slot is pinned twice; keep one")
            seen.add((pin.date, pin.slot))
            kind = catalogue.get(pin.kind)
            if kind is None or kind.id == RACE_KIND:
                known = ", ".join(sorted(k for k in catalogue if k != RACE_KIND))
                raise ValueError(f"{where}: unknown kind {pin.kind!r}; known kinds: {known}")
            if race is not None and pin.date == race.date:
                raise ValueError(f"{where}: race day holds only the race; move the pin")
            available = self.slot_minutes(pin.date, pin.slot)
            if available < pin.minutes:
                raise ValueError(
                    f"{where}: {pin.minutes} min but the slot has {available} min available "
                    "that date; shorten the pin or add availability"
                )
            if not self.reachable(kind.terrain, pin.date):
                raise ValueError(
                    f"{where}: terrain {kind.terrain} is not reachable on "
                    f"{Weekday.of(pin.date)}; add it under terrain: or pin another kind"
                )
            if not kind.allows(pin.slot):
                allowed = ", ".join(slot.value for slot in kind.slots)
                raise ValueError(
                    f"{where}: {pin.kind} may take only the {allowed} slot (H03); pin it "
                    f"there, or list the slot under the kind's slots: in sessions:"
                )
            if kind.excluded_by(self.athlete.injuries):
                raise ValueError(
                    f"{where}: {pin.kind} stresses an injury of the athlete (H19); pin another kind"
                )
            lo, hi = kind.minutes
            if not lo <= pin.minutes <= hi:
                raise ValueError(
                    f"{where}: {pin.minutes} min is outside {pin.kind}'s range {lo}-{hi} min"
                )

    # ----- derived facts (no solver involved) -----

    @property
    def race(self) -> Race | None:
        """The goal race, if any."""
        return self.goal.race

    @property
    def end(self) -> dt.date:
        """The last day of the plan: race day, or the end of the last full week."""
        if self.race is not None:
            return self.race.date
        assert self.weeks is not None  # guaranteed by validation
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def horizon_days(self) -> int:
        """Days in the plan, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def horizon_weeks(self) -> int:
        """Weeks in the plan; the last one may be partial."""
        return math.ceil(self.horizon_days / 7)

    @property
    def dates(self) -> list[dt.date]:
        """Every date of the plan, in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.horizon_days)]

    @cached_property
    def resolved_rules(self) -> Rules:
        """rules.md's numbers for this athlete: level defaults and this scenario's overrides."""
        distance = self.race.distance_km if self.race is not None else None
        return resolve_rules(self.athlete.level, self.rules, distance)

    @cached_property
    def calendar(self) -> list[Week]:
        """The plan's weeks with phase, recovery and taper marked (calendar.py)."""
        rules = self.resolved_rules
        return build_calendar(
            self.start,
            self.end,
            has_race=self.race is not None,
            taper_weeks=rules.taper_weeks,
            recovery_every=rules.recovery_every,
            phases=self.phases,
        )

    def week_of(self, day: dt.date) -> Week:
        """The week holding ``day``."""
        return self.calendar[(day - self.start).days // 7]

    @cached_property
    def catalogue(self) -> dict[str, SessionKind]:
        """The built-in session kinds with this scenario's additions and overrides."""
        return merge_catalogue(self.sessions)

    @cached_property
    def _exceptions_by_date(self) -> dict[dt.date, AvailabilityException]:
        return {exception.date: exception for exception in self.exceptions}

    def slot_minutes(self, day: dt.date, slot: Slot) -> int:
        """Minutes available on ``day`` in ``slot`` (exceptions replace the weekday's)."""
        exception = self._exceptions_by_date.get(day)
        if exception is not None:
            return exception.minutes(slot)
        weekly = self.availability.get(Weekday.of(day))
        return weekly.minutes(slot) if weekly is not None else 0

    def grid_durations(self, day: dt.date, slot: Slot, kind: SessionKind) -> range | None:
        """H01: the durations, in units of ``grid_minutes``, a session of ``kind`` may take
        in this slot (multiples of the grid within the kind's range and the open minutes),
        or None when none fits."""
        grid = self.resolved_rules.grid_minutes
        lo, hi = kind.minutes
        first = math.ceil(lo / grid)
        last = min(hi, self.slot_minutes(day, slot)) // grid
        return range(first, last + 1) if first <= last else None

    def fits(self, day: dt.date, kind: SessionKind) -> bool:
        """Whether a session of ``kind`` can be placed on ``day`` at all (H01, H02, H19)."""
        if kind.excluded_by(self.athlete.injuries) or not self.reachable(kind.terrain, day):
            return False
        return any(self.grid_durations(day, slot, kind) is not None for slot in SLOTS)

    def day_minutes(self, day: dt.date) -> int:
        """Minutes available on ``day`` over both slots."""
        return sum(self.slot_minutes(day, slot) for slot in SLOTS)

    def reachable(self, terrain: Terrain, day: dt.date) -> bool:
        """H02: whether ``terrain`` can be reached on ``day``'s weekday."""
        if terrain is Terrain.ANY:
            return True
        access = self.terrain.get(terrain)
        if access is None:
            return False
        return access == "all" or Weekday.of(day) in access

    def reachable_weekdays(self, terrain: Terrain) -> tuple[Weekday, ...]:
        """The weekdays on which ``terrain`` can be reached."""
        if terrain is Terrain.ANY:
            return WEEKDAYS
        access = self.terrain.get(terrain)
        if access is None:
            return ()
        return WEEKDAYS if access == "all" else tuple(d for d in WEEKDAYS if d in access)

    def terrain_band(self, phase: Phase) -> tuple[Literal["road", "trail"], Band] | None:
        """H15's band for a week of ``phase``: the share it measures and its bounds; None
        for peak and taper weeks without a race (docs/rules-interpretation.md, H15)."""
        bands, race = self.resolved_rules.ratio_bands, self.race
        if phase is Phase.BASE:
            return "road", bands.base
        if phase is Phase.BUILD:
            return "road", bands.build
        if race is None:
            return None
        if race.kind is RaceKind.TRAIL:
            return "trail", bands.peak_trail
        return "road", bands.peak_road

    def allowed_kinds(self) -> list[SessionKind]:
        """Kinds the athlete may do at all (H19 removes injury-stressing kinds), race
        excluded, sorted by id for a deterministic model."""
        injuries = self.athlete.injuries
        return sorted(
            (
                kind
                for kind in self.catalogue.values()
                if not kind.is_race and not kind.excluded_by(injuries)
            ),
            key=lambda kind: kind.id,
        )

    @cached_property
    def long_day(self) -> Weekday | None:
        """S4's preferred long-session day: ``preferences.long_day``, else the weekend day
        with the most available minutes in a usual week (Saturday on a tie), else none
        when the weekend has no time."""
        if self.preferences.long_day is not None:
            return self.preferences.long_day
        weekend = [Weekday.SAT, Weekday.SUN]
        minutes = {
            day: sum(self.availability[day].minutes(slot) for slot in SLOTS)
            if day in self.availability
            else 0
            for day in weekend
        }
        best = max(weekend, key=lambda day: (minutes[day], day is Weekday.SAT))
        return best if minutes[best] > 0 else None

    def serves_the_race(self, kind: SessionKind, phase: Phase) -> bool:
        """H21: whether ``kind`` may be trained in a week of ``phase``: in build, peak and
        taper before a road race, only kinds that serve road races."""
        race = self.race
        if race is None or race.kind is not RaceKind.ROAD or phase is Phase.BASE:
            return True
        return kind.serves(RaceKind.ROAD)

    def race_minutes(self) -> int:
        """The race session's planned minutes (an estimate from distance and climbing)."""
        if self.race is None:
            return 0
        return self.race.estimated_minutes(self.athlete.level)
