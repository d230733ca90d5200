"""rules.py: rules.md's defaults by level, scenario overrides and the H17 taper length."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from periodize.rules import (
    Band,
    CountRange,
    LongIncrease,
    RatioBands,
    RuleOverrides,
    bp,
    resolve_rules,
    within_band,
)
from periodize.scenario import Scenario
from periodize.vocabulary import Level, RatioScope, RecipeMode

NO_OVERRIDES = RuleOverrides()

# rules.md's level table: H03, H04, H05, H07, H08, H14 (long share) and H15 (scope).
LEVEL_TABLE = [
    (Level.BEGINNER, (3, 4), 2, (0, 1), 0, 2, 0.50, RatioScope.PHASE),
    (Level.INTERMEDIATE, (4, 6), 1, (1, 2), 1, 1, 0.40, RatioScope.WEEK),
    (Level.ADVANCED, (5, 9), 1, (1, 2), 2, 1, 0.40, RatioScope.WEEK),
]


@pytest.mark.parametrize(
    ("level", "sessions", "rest", "hard", "doubles", "hikes", "long_share", "scope"),
    LEVEL_TABLE,
)
def test_level_defaults(
    level: Level,
    sessions: tuple[int, int],
    rest: int,
    hard: tuple[int, int],
    doubles: int,
    hikes: int,
    long_share: float,
    scope: RatioScope,
) -> None:
    rules = resolve_rules(level, NO_OVERRIDES)
    assert (rules.sessions_per_week.lo, rules.sessions_per_week.hi) == sessions
    assert rules.min_rest_days == rest
    assert (rules.hard_sessions.lo, rules.hard_sessions.hi) == hard
    assert rules.max_doubles_per_week == doubles
    assert rules.min_hikes_per_week == hikes
    assert rules.max_long_run_share == long_share
    assert rules.ratio_scope is scope


@pytest.mark.parametrize("level", list(Level))
def test_common_defaults(level: Level) -> None:
    rules = resolve_rules(level, NO_OVERRIDES)
    assert rules.max_weekly_increase == 0.10  # H09
    assert rules.recovery_every == 4  # H11
    assert rules.recovery_load == Band(lo=0.70, hi=0.80)
    assert rules.acwr_max == 1.30  # H12
    assert rules.max_hard_share == 0.20  # H13
    assert rules.long_increase == LongIncrease(fraction=0.10, minutes=15)  # H14
    assert rules.ratio_bands == RatioBands(
        base=Band(lo=0.65, hi=0.75),
        build=Band(lo=0.45, hi=0.55),
        peak_trail=Band(lo=0.60, hi=0.70),
        peak_road=Band(lo=0.70, hi=0.80),
    )
    assert rules.taper_weeks == 2  # H17, no race
    assert rules.taper_volume == Band(lo=0.40, hi=0.60)
    assert rules.recipes is RecipeMode.SOFT
    assert rules.grid_minutes == 15


@pytest.mark.parametrize(
    ("distance_km", "taper_weeks"),
    [(None, 2), (5, 1), (10, 1), (20.9, 1), (21.0, 2), (21.1, 2), (42.2, 2), (161, 2)],
)
def test_taper_is_one_week_below_21_km(distance_km: float | None, taper_weeks: int) -> None:
    assert resolve_rules(Level.INTERMEDIATE, NO_OVERRIDES, distance_km).taper_weeks == taper_weeks


def overrides(**values: Any) -> RuleOverrides:
    return RuleOverrides.model_validate(values)


def test_overrides_replace_level_defaults() -> None:
    rules = resolve_rules(
        Level.INTERMEDIATE,
        overrides(
            sessions_per_week=[3, 4],
            min_rest_days=2,
            max_weekly_increase=0.08,
            recovery_every=3,
            ratio_scope="phase",
            recipes="strict",
            taper_weeks=3,
            grid_minutes=5,
        ),
        10,
    )
    assert rules.sessions_per_week == CountRange(lo=3, hi=4)
    assert rules.min_rest_days == 2
    assert rules.max_weekly_increase == 0.08
    assert rules.recovery_every == 3
    assert rules.ratio_scope is RatioScope.PHASE
    assert rules.recipes is RecipeMode.STRICT
    assert rules.taper_weeks == 3  # an explicit taper wins over the 10 km default of 1
    assert rules.grid_minutes == 5
    # Untouched rules keep the level's defaults.
    assert rules.hard_sessions == CountRange(lo=1, hi=2)
    assert rules.max_doubles_per_week == 1


def test_partial_nested_overrides_keep_the_other_defaults() -> None:
    rules = resolve_rules(
        Level.ADVANCED,
        overrides(long_increase={"minutes": 20}, ratio_bands={"base": [0.6, 0.7]}),
    )
    assert rules.long_increase == LongIncrease(fraction=0.10, minutes=20)
    assert rules.ratio_bands.base == Band(lo=0.6, hi=0.7)
    assert rules.ratio_bands.build == Band(lo=0.45, hi=0.55)


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"sessions_per_week": [5, 3]}, "lo must not exceed hi"),
        ({"sessions_per_week": [3]}, "two whole numbers"),
        ({"recovery_load": [0.9, 0.7]}, "lo must not exceed hi"),
        ({"taper_volume": [0.4, 1.2]}, "less than or equal to 1"),
        ({"max_weekly_increase": 0.12345}, "at most four decimals"),
        ({"recovery_every": 1}, "greater than or equal to 2"),
        ({"recipes": "sometimes"}, "'soft' or 'strict'"),
        ({"max_weekly_increse": 0.1}, "Extra inputs are not permitted"),
    ],
)
def test_bad_overrides_are_refused(values: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        overrides(**values)


def test_basis_points() -> None:
    assert bp(0.1) == 1000
    assert bp(1.3) == 13000
    assert bp(0.0725) == 725
    assert bp(0.2) == 2000


@pytest.mark.parametrize(
    ("part", "whole", "grid", "within"),
    [
        # 0.45-0.55 of 135 is 60.75-74.25; half a 15-minute step either side: 53.25-81.75
        (60, 135, 15, True),
        (75, 135, 15, True),
        (45, 135, 15, False),
        (90, 135, 15, False),
        # the edges hold: 0.55 x 150 + 7.5 = 90 and 0.45 x 150 - 7.5 = 60
        (90, 150, 15, True),
        (60, 150, 15, True),
        # a 5-minute grid leaves 2.5 either side: 0.55 x 135 + 2.5 = 76.75
        (75, 135, 5, True),
        (80, 135, 5, False),
        (0, 0, 15, True),  # no run minutes: exempt
    ],
)
def test_a_band_is_met_to_half_a_grid_step(part: int, whole: int, grid: int, within: bool) -> None:
    assert within_band(part, whole, bp(0.45), bp(0.55), grid) is within


def test_scenario_rules_are_resolved_once_from_its_level_and_overrides(
    dolomites: Scenario,
) -> None:
    rules = dolomites.resolved_rules
    assert rules.max_weekly_increase == 0.08
    assert rules.recovery_every == 3
    assert rules.ratio_scope is RatioScope.PHASE  # overridden from the intermediate default
    assert rules.taper_weeks == 2  # 50 km race
    assert rules.sessions_per_week == CountRange(lo=4, hi=6)
    assert dolomites.resolved_rules is rules
