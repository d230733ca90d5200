"""targets.py: the long goal, the long target of each loading week, and the minutes curve
(rules.md v3: Long goal, Long target, S2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

from periodize.catalogue import builtin_kinds
from periodize.scenario import Scenario
from periodize.targets import (
    baseline_long,
    counts_for_long,
    long_goal,
    long_targets,
    target_loads,
    target_minutes,
)
from periodize.vocabulary import RaceKind, Weekday
from strategies import scenarios


def _scenario(race: dict[str, object] | None, weeks: int = 12, **athlete: object) -> Scenario:
    document: dict[str, object] = {
        "name": "t",
        "start": dt.date(2027, 1, 4),
        "athlete": {"level": "intermediate", "weekly_minutes": 300, "long_minutes": 90} | athlete,
        "availability": {"sat": {"am": 300}, "sun": {"am": 200}},
    }
    if race is None:
        document["weeks"] = weeks
    else:
        date = dt.date(2027, 1, 4) + dt.timedelta(days=7 * weeks - 1)
        document["goal"] = {"race": {"name": "r", "date": date} | race}
    return Scenario.model_validate(document)


def test_long_goal_of_a_trail_race() -> None:
    # 50 km + 2600 m: 6.5 x 76 = 494 min race time; 0.6 x 494 = 296.4 -> 296
    trail = _scenario({"kind": "trail", "distance_km": 50, "elevation_gain_m": 2600})
    assert long_goal(trail) == 296


def test_long_goal_of_a_road_race_is_clamped() -> None:
    # marathon: 6 x 42.2 = 253 min; 0.75 x 253 = 189.75, clamped to 180
    assert long_goal(_scenario({"kind": "road", "distance_km": 42.2})) == 180
    # 10 km: 60 min; 0.75 x 60 = 45, clamped up to 60
    assert long_goal(_scenario({"kind": "road", "distance_km": 10})) == 60


def test_long_goal_uses_expected_minutes_and_the_override() -> None:
    # expected 400 min: 0.6 x 400 = 240
    race = {"kind": "trail", "distance_km": 50, "elevation_gain_m": 2600, "expected_minutes": 400}
    assert long_goal(_scenario(race)) == 240
    document = _scenario(race).model_dump() | {"rules": {"long_goal_minutes": 200}}
    assert long_goal(Scenario.model_validate(document)) == 200


def test_long_goal_without_race_is_baseline_plus_thirty() -> None:
    # baseline long = max(90, 1.5 x 90 = 135) = 135 (hikes count without a race)
    assert baseline_long(_scenario(None)) == 135
    assert long_goal(_scenario(None)) == 165


def test_baseline_long_before_a_road_race_counts_runs_only() -> None:
    assert baseline_long(_scenario({"kind": "road", "distance_km": 21.1})) == 90


def test_long_targets_grow_by_the_step_up_to_the_goal() -> None:
    # 16-week trail race: recovery weeks 4, 8, 12, taper 15-16, so the loading weeks are
    # 1-3, 5-7, 9-11, 13-14. Baseline long = max(100, 1.5 x 100) = 150, step = 15,
    # goal = 296: 150 + 15k, capped at 296.
    trail = _scenario(
        {"kind": "trail", "distance_km": 50, "elevation_gain_m": 2600},
        weeks=16,
        long_minutes=100,
    )
    targets = long_targets(trail)
    assert sorted(targets) == [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14]
    assert [targets[w] for w in sorted(targets)] == [
        165, 180, 195, 210, 225, 240, 255, 270, 285, 296, 296,
    ]  # fmt: skip


def test_long_target_step_is_a_tenth_of_a_long_baseline() -> None:
    # baseline long 155 (runs only before a road race); goal 180 (clamped)
    road = _scenario({"kind": "road", "distance_km": 42.2}, weeks=8, long_minutes=155)
    # step = max(15, 15.5) = 15.5: week 1 -> 170.5 -> 170, week 2 -> 186 -> min(180, 186)
    assert long_targets(road)[1] == 170
    assert long_targets(road)[2] == 180


def test_target_minutes_follow_the_load_curve() -> None:
    # weekly_load defaults to 4 x weekly_minutes, so minutes = load / 4
    scenario = _scenario(None)
    assert target_minutes(scenario) == [round(load / 4) for load in target_loads(scenario)]
    assert max(target_minutes(scenario)) > 300  # volume rises above the baseline


@pytest.mark.parametrize(
    ("race_kind", "counting"),
    [
        (RaceKind.ROAD, {"run"}),
        (RaceKind.TRAIL, {"run", "hike"}),
        (None, {"run", "hike"}),
    ],
)
def test_counting_sessions(race_kind: RaceKind | None, counting: set[str]) -> None:
    found = {k.modality.value for k in builtin_kinds().values() if counts_for_long(k, race_kind)}
    assert found == counting


def test_default_long_day_is_the_weekend_day_with_most_time() -> None:
    assert _scenario(None).long_day is Weekday.SAT
    sunday = Scenario.model_validate(
        _scenario(None).model_dump() | {"availability": {"sat": {"am": 60}, "sun": {"am": 90}}}
    )
    assert sunday.long_day is Weekday.SUN
    tie = Scenario.model_validate(
        _scenario(None).model_dump() | {"availability": {"sat": {"am": 90}, "sun": {"am": 90}}}
    )
    assert tie.long_day is Weekday.SAT
    weekdays = Scenario.model_validate(
        _scenario(None).model_dump() | {"availability": {"mon": {"am": 90}}}
    )
    assert weekdays.long_day is None


@given(scenarios())
def test_s6_never_asks_for_more_than_h14_allows(scenario: Scenario) -> None:
    """Each loading week's long target is within H14's growth allowance over the longest
    target before it (the baseline long first): a plan that meets every target keeps H14's
    growth, so S6 never pulls the long session past what H14 allows."""
    allowance = scenario.resolved_rules.long_increase
    longest = baseline_long(scenario)
    for _, target in sorted(long_targets(scenario).items()):
        allowed = max(int(longest * (1 + allowance.fraction) + 1e-9), longest + allowance.minutes)
        assert target <= max(allowed, longest)
        longest = max(longest, target)
