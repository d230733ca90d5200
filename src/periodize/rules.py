"""Every number of rules.md in one place: defaults by level, scenario overrides, resolved once.

`RuleOverrides` is what a scenario's ``rules:`` block may say (every field optional);
`Rules` is the resolved set a solve and the checker use (every field set). Fractions have
at most four decimals so that the solver and the checker compare exactly in integer
arithmetic (basis points, see `bp`).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from periodize.vocabulary import Level, RatioScope, RecipeMode

Fraction = Annotated[float, Field(ge=0.0, le=10.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0, le=14)]

BP = 10_000
"""Basis points: the integer scale of every fraction in the model and checker."""


def bp(fraction: float) -> int:
    """A fraction in basis points (0.1 -> 1000), exact for four decimals."""
    return round(fraction * BP)


def within_band(part: int, whole: int, lo: int, hi: int, grid: int) -> bool:
    """H15 on the duration grid: ``part`` of ``whole`` minutes is within the band [lo, hi]
    (in basis points) to half a grid step, ``lo/10000 x whole - grid/2 <= part <=
    hi/10000 x whole + grid/2``. Sessions last whole grid steps, so a band narrower than
    a step (0.45-0.55 of 135 run minutes is 60.75-74.25 on a 15-minute grid) would hold
    no plan at all; read this way it always holds its nearest grid point
    (docs/rules-interpretation.md, H15). No run minutes: exempt. For the views and the
    greedy heuristic; the model and the checker state the same inequality in their own
    terms."""
    twice = 2 * BP * part
    return whole == 0 or 2 * lo * whole - BP * grid <= twice <= 2 * hi * whole + BP * grid


def _four_decimals(value: float, name: str) -> None:
    if abs(value * BP - round(value * BP)) > 1e-6:
        raise ValueError(f"{name} has at most four decimals (got {value})")


class Band(BaseModel):
    """A closed interval [lo, hi] of shares or ratios, written ``[lo, hi]`` in YAML."""

    model_config = ConfigDict(frozen=True)

    lo: Share
    hi: Share

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a band is two numbers [lo, hi]")
            return {"lo": value[0], "hi": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.lo > self.hi:
            raise ValueError(f"band [{self.lo}, {self.hi}]: lo must not exceed hi")
        _four_decimals(self.lo, "band lo")
        _four_decimals(self.hi, "band hi")
        return self


class CountRange(BaseModel):
    """A closed range [lo, hi] of counts, written ``[lo, hi]`` in YAML."""

    model_config = ConfigDict(frozen=True)

    lo: Count
    hi: Count

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a range is two whole numbers [lo, hi]")
            return {"lo": value[0], "hi": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.lo > self.hi:
            raise ValueError(f"range [{self.lo}, {self.hi}]: lo must not exceed hi")
        return self


class LongIncrease(BaseModel):
    """H14's allowance for the longest run (hike) over the longest before it: the fraction
    or the minutes, whichever allows more."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fraction: Share = 0.10
    minutes: Annotated[int, Field(ge=0, le=600)] = 15


class RatioBands(BaseModel):
    """H15's terrain bands on run minutes by phase: road share in base, build and the peak
    of a road race; trail share in the peak of a trail race."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base: Band = Band(lo=0.65, hi=0.75)
    build: Band = Band(lo=0.45, hi=0.55)
    peak_trail: Band = Band(lo=0.60, hi=0.70)
    peak_road: Band = Band(lo=0.70, hi=0.80)


class RuleOverrides(BaseModel):
    """The ``rules:`` block of a scenario: any rules.md number, by name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sessions_per_week: CountRange | None = None
    min_rest_days: Annotated[int, Field(ge=0, le=7)] | None = None
    hard_sessions: CountRange | None = None
    max_doubles_per_week: Annotated[int, Field(ge=0, le=7)] | None = None
    min_hikes_per_week: Annotated[int, Field(ge=0, le=7)] | None = None
    max_weekly_increase: Fraction | None = None
    recovery_every: Annotated[int, Field(ge=2, le=52)] | None = None
    recovery_load: Band | None = None
    acwr_max: Fraction | None = None
    max_hard_share: Share | None = None
    long_increase: LongIncrease | None = None
    max_long_run_share: Share | None = None
    ratio_bands: RatioBands | None = None
    ratio_scope: RatioScope | None = None
    taper_weeks: Annotated[int, Field(ge=1, le=8)] | None = None
    taper_volume: Band | None = None
    recipes: RecipeMode | None = None
    grid_minutes: Annotated[int, Field(ge=1, le=60)] | None = None
    min_easy_run_share: Share | None = None
    long_goal_minutes: Annotated[int, Field(ge=10, le=1440)] | None = None
    long_floor: Share | None = None
    race_quiet_days: Annotated[int, Field(ge=1, le=14)] | None = None
    min_strength_per_week: Annotated[int, Field(ge=0, le=7)] | None = None

    @model_validator(mode="after")
    def _decimals(self) -> Self:
        for name in (
            "max_weekly_increase",
            "acwr_max",
            "max_hard_share",
            "max_long_run_share",
            "min_easy_run_share",
            "long_floor",
        ):
            value = getattr(self, name)
            if value is not None:
                _four_decimals(value, name)
        return self


class Rules(BaseModel):
    """The resolved rule set of one scenario: level defaults, then the scenario's overrides.

    Field names are those of rules.md; see there for what each rule means.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sessions_per_week: CountRange
    min_rest_days: int
    hard_sessions: CountRange
    max_doubles_per_week: int
    min_hikes_per_week: int
    max_weekly_increase: float
    recovery_every: int
    recovery_load: Band
    acwr_max: float
    max_hard_share: float
    long_increase: LongIncrease
    max_long_run_share: float
    ratio_bands: RatioBands
    ratio_scope: RatioScope
    taper_weeks: int
    taper_volume: Band
    recipes: RecipeMode
    grid_minutes: int
    min_easy_run_share: float
    long_goal_minutes: int | None
    """None: the long goal is derived from the race (rules.md, Long goal)."""
    long_floor: float
    race_quiet_days: int
    min_strength_per_week: int


_LEVEL_DEFAULTS: dict[Level, dict[str, object]] = {
    Level.BEGINNER: {
        "sessions_per_week": CountRange(lo=3, hi=4),
        "min_rest_days": 2,
        "hard_sessions": CountRange(lo=0, hi=1),
        "max_doubles_per_week": 0,
        "min_hikes_per_week": 2,
        "max_long_run_share": 0.50,
        "ratio_scope": RatioScope.PHASE,
        "min_easy_run_share": 0.70,
    },
    Level.INTERMEDIATE: {
        "sessions_per_week": CountRange(lo=4, hi=6),
        "min_rest_days": 1,
        "hard_sessions": CountRange(lo=1, hi=2),
        "max_doubles_per_week": 1,
        "min_hikes_per_week": 1,
        "max_long_run_share": 0.40,
        "ratio_scope": RatioScope.WEEK,
        "min_easy_run_share": 0.60,
    },
    Level.ADVANCED: {
        "sessions_per_week": CountRange(lo=5, hi=9),
        "min_rest_days": 1,
        "hard_sessions": CountRange(lo=1, hi=2),
        "max_doubles_per_week": 2,
        "min_hikes_per_week": 1,
        "max_long_run_share": 0.40,
        "ratio_scope": RatioScope.WEEK,
        "min_easy_run_share": 0.60,
    },
}

_COMMON_DEFAULTS: dict[str, object] = {
    "max_weekly_increase": 0.10,
    "recovery_every": 4,
    "recovery_load": Band(lo=0.70, hi=0.80),
    "acwr_max": 1.30,
    "max_hard_share": 0.20,
    "long_increase": LongIncrease(),
    "ratio_bands": RatioBands(),
    "taper_volume": Band(lo=0.40, hi=0.60),
    "recipes": RecipeMode.SOFT,
    "grid_minutes": 15,
    "long_goal_minutes": None,
    "long_floor": 0.80,
    "race_quiet_days": 4,
    "min_strength_per_week": 1,
}

SHORT_RACE_KM = 21.0
"""H17: races shorter than this taper for one week by default, longer ones for two."""


def resolve_rules(
    level: Level, overrides: RuleOverrides, race_distance_km: float | None = None
) -> Rules:
    """The rules of rules.md for an athlete of ``level``, with ``overrides`` applied.

    ``race_distance_km`` sets the default taper length (H17): one week below 21 km, else two.
    """
    taper_weeks = 1 if race_distance_km is not None and race_distance_km < SHORT_RACE_KM else 2
    values: dict[str, object] = {
        **_COMMON_DEFAULTS,
        **_LEVEL_DEFAULTS[level],
        "taper_weeks": taper_weeks,
    }
    values.update(overrides.model_dump(exclude_none=True, mode="python"))
    return Rules.model_validate(values)
