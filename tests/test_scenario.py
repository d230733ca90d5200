"""scenario.py: the shipped scenarios and the facts a Scenario derives without solving."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from conftest import shipped_scenario_paths
from periodize.loading import load_scenario
from periodize.scenario import MAX_WEEKS, Athlete, Race, Scenario
from periodize.vocabulary import (
    Injury,
    Level,
    Phase,
    RaceKind,
    RecipeMode,
    Slot,
    Terrain,
    Weekday,
)

PATHS = shipped_scenario_paths()
SHIPPED = {path.stem: load_scenario(path) for path in PATHS}
# The weekend-only twins are deliberately thin; every other scenario must leave room.
THIN = {"weekend-only-strict", "weekend-only-soft"}


def available_days(scenario: Scenario) -> set[Weekday]:
    return {day for day, slots in scenario.availability.items() if slots.am or slots.pm}


# ----- the shipped scenarios ------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_shipped_scenario_is_valid_and_documented(path: Path) -> None:
    scenario = load_scenario(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), "each file opens with a comment: who and what is special"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem), "kebab-case file name"
    assert scenario.start.year == 2027
    assert 1 <= scenario.horizon_weeks <= MAX_WEEKS
    assert len(scenario.calendar) == scenario.horizon_weeks


def test_shipped_scenario_names_are_unique() -> None:
    names = [scenario.name for scenario in SHIPPED.values()]
    assert len(names) == len(set(names))
    assert len(SHIPPED) >= 11


@pytest.mark.parametrize("stem", sorted(set(SHIPPED) - THIN))
def test_feasible_scenarios_leave_room(stem: str) -> None:
    scenario = SHIPPED[stem]
    athlete = scenario.athlete
    days = available_days(scenario)
    assert len(days) >= 3
    assert len(set(scenario.reachable_weekdays(Terrain.ROAD)) & days) >= 3
    assert 150 <= athlete.weekly_minutes <= 600
    assert 60 <= athlete.long_minutes <= 180
    for slots in scenario.availability.values():
        assert slots.am or slots.pm
        assert max(slots.minutes(Slot.AM), slots.minutes(Slot.PM)) <= 300
    # Both terrain bands of H15 need run terrain on several days.
    assert len(set(scenario.reachable_weekdays(Terrain.TRAIL)) & days) >= 2
    if len(days) < 4:
        assert stem == "parent-three-days"


def test_the_required_set_of_scenarios_is_shipped() -> None:
    by_stem = SHIPPED
    first = by_stem["first-trail-25k-beginner"]
    assert first.athlete.level is Level.BEGINNER
    assert first.race is not None
    assert first.race.kind is RaceKind.TRAIL
    assert first.race.distance_km == 25
    assert 12 <= first.horizon_weeks <= 14

    ultra = by_stem["mountain-100-mile-advanced"]
    assert ultra.athlete.level is Level.ADVANCED
    assert ultra.race is not None
    assert ultra.race.distance_km >= 160
    assert ultra.horizon_weeks == 24

    marathon = by_stem["road-marathon-trail-base"]
    assert marathon.race is not None
    assert marathon.race.kind is RaceKind.ROAD
    assert marathon.horizon_weeks == 16
    assert marathon.reachable_weekdays(Terrain.TRAIL)

    half = by_stem["half-marathon-8-weeks"]
    assert half.race is not None
    assert (half.race.kind, half.race.distance_km, half.horizon_weeks) == (RaceKind.ROAD, 21.1, 8)

    fitness = by_stem["general-fitness-12-weeks"]
    assert fitness.race is None
    assert fitness.weeks == 12

    parent = by_stem["parent-three-days"]
    assert len(available_days(parent)) == 3

    knee = by_stem["knee-injury-road-15k"]
    assert knee.athlete.injuries == (Injury.KNEE,)

    season = by_stem["full-season-trail-70k"]
    assert season.race is not None
    assert season.horizon_weeks == 52


def test_the_infeasible_twin_differs_only_in_recipes_and_name() -> None:
    strict, soft = SHIPPED["weekend-only-strict"], SHIPPED["weekend-only-soft"]
    assert strict.resolved_rules.recipes is RecipeMode.STRICT
    assert soft.resolved_rules.recipes is RecipeMode.SOFT
    strip = {"name", "rules"}
    assert strict.model_dump(exclude=strip) == soft.model_dump(exclude=strip)
    assert strict.rules.model_copy(update={"recipes": None}) == soft.rules.model_copy(
        update={"recipes": None}
    )
    # Why strict cannot hold (the file's comment): H07 wants 3 sessions a week, but two
    # available days with no doubles allow 2.
    rules = strict.resolved_rules
    most_sessions = len(available_days(strict)) * (1 + 0)
    assert rules.max_doubles_per_week == 0
    assert rules.sessions_per_week.lo == 3
    assert most_sessions == 2 < rules.sessions_per_week.lo


def test_shipped_files_parse_as_plain_yaml() -> None:
    # The shipped files are plain YAML mappings (no explicit tags).
    for path in PATHS:
        text = path.read_text(encoding="utf-8")
        assert "!!" not in text
        assert isinstance(yaml.safe_load(text), dict)


# ----- derived facts --------------------------------------------------------------------


def test_dolomites_horizon_and_dates(dolomites: Scenario) -> None:
    assert dolomites.end == dt.date(2027, 4, 25)
    assert dolomites.horizon_days == 112
    assert dolomites.horizon_weeks == 16
    assert dolomites.dates[0] == dt.date(2027, 1, 4)
    assert dolomites.dates[-1] == dt.date(2027, 4, 25)
    assert len(dolomites.dates) == 112


def test_end_without_a_race_is_the_last_day_of_the_last_week() -> None:
    fitness = SHIPPED["general-fitness-12-weeks"]
    assert fitness.end == dt.date(2027, 4, 5) + dt.timedelta(days=12 * 7 - 1)
    assert fitness.end.weekday() == 6
    assert fitness.race_minutes() == 0


def test_weeks_may_be_left_out_when_there_is_a_race() -> None:
    ultra = SHIPPED["mountain-100-mile-advanced"]
    assert ultra.weeks is None
    # Monday 2027-02-22 to Saturday 2027-08-07: 167 days, 23 full weeks and 6 days.
    assert ultra.horizon_days == 167
    assert ultra.calendar[-1].days == 6
    assert ultra.calendar[-1].is_race_week


def test_slot_minutes_with_exceptions(dolomites: Scenario) -> None:
    tuesday = dt.date(2027, 1, 5)
    assert dolomites.slot_minutes(tuesday, Slot.AM) == 40
    assert dolomites.slot_minutes(tuesday, Slot.PM) == 60
    assert dolomites.day_minutes(tuesday) == 100
    # Friday: not in the weekly availability.
    assert dolomites.day_minutes(dt.date(2027, 1, 8)) == 0
    # Sunday 2027-02-14: an exception with no slots, the whole day is off.
    valentine = dt.date(2027, 2, 14)
    assert dolomites.slot_minutes(dt.date(2027, 2, 7), Slot.AM) == 180
    assert dolomites.day_minutes(valentine) == 0
    # Friday 2027-03-05: 240 minutes in the morning and nothing else.
    assert dolomites.slot_minutes(dt.date(2027, 3, 5), Slot.AM) == 240
    assert dolomites.slot_minutes(dt.date(2027, 3, 5), Slot.PM) == 0


def test_terrain_reachability(dolomites: Scenario) -> None:
    wednesday, thursday = dt.date(2027, 1, 6), dt.date(2027, 1, 7)
    assert dolomites.reachable(Terrain.TRAIL, wednesday)
    assert not dolomites.reachable(Terrain.TRAIL, thursday)
    assert dolomites.reachable(Terrain.ROAD, thursday)  # road: all
    assert dolomites.reachable(Terrain.ANY, thursday)  # `any` needs no entry
    assert dolomites.reachable_weekdays(Terrain.TRACK) == (Weekday.TUE,)
    assert dolomites.reachable_weekdays(Terrain.ROAD) == tuple(Weekday)
    assert dolomites.reachable_weekdays(Terrain.ANY) == tuple(Weekday)
    no_gym = SHIPPED["half-marathon-8-weeks"]
    assert no_gym.reachable_weekdays(Terrain.GYM) == ()
    assert not no_gym.reachable(Terrain.POOL, wednesday)


def test_athlete_baseline_defaults() -> None:
    athlete = Athlete(level=Level.BEGINNER, weekly_minutes=150, long_minutes=61)
    assert athlete.baseline_load == 600  # weekly_minutes x 4
    assert athlete.baseline_long_hike == 91  # 1.5 x 61, rounded down
    given = Athlete(
        level=Level.BEGINNER,
        weekly_minutes=150,
        weekly_load=700,
        long_minutes=60,
        long_hike_minutes=200,
    )
    assert (given.baseline_load, given.baseline_long_hike) == (700, 200)


@pytest.mark.parametrize(
    ("kind", "distance", "gain", "level", "minutes"),
    [
        (RaceKind.ROAD, 42.2, 0, Level.INTERMEDIATE, 253),  # 6 x 42.2
        (RaceKind.ROAD, 10, 0, Level.BEGINNER, 75),  # 60 x 1.25
        (RaceKind.ROAD, 10.75, 0, Level.INTERMEDIATE, 65),  # 64.5, halves round up
        (RaceKind.TRAIL, 50, 2600, Level.INTERMEDIATE, 494),  # 6.5 x (50 + 26) effort-km
        (RaceKind.TRAIL, 25, 900, Level.ADVANCED, 188),  # 6.5 x 34 x 0.85 = 187.85
        (RaceKind.TRAIL, 161, 9500, Level.ADVANCED, 1414),  # 6.5 x 256 x 0.85 = 1414.4
        (RaceKind.TRAIL, 200, 10000, Level.INTERMEDIATE, 1440),  # 1950, capped at a day
    ],
)
def test_race_minutes_estimate(
    kind: RaceKind, distance: float, gain: int, level: Level, minutes: int
) -> None:
    race = Race(
        name="r", date=dt.date(2027, 6, 6), kind=kind, distance_km=distance, elevation_gain_m=gain
    )
    assert race.estimated_minutes(level) == minutes


def test_expected_minutes_replace_the_estimate() -> None:
    race = Race(
        name="r",
        date=dt.date(2027, 6, 6),
        kind=RaceKind.TRAIL,
        distance_km=50,
        elevation_gain_m=2600,
        expected_minutes=420,
    )
    assert race.estimated_minutes(Level.BEGINNER) == 420


@pytest.mark.parametrize("minutes", [9, 1441])
def test_expected_minutes_out_of_range_is_refused(minutes: int) -> None:
    with pytest.raises(ValidationError, match="expected_minutes"):
        Race(
            name="r",
            date=dt.date(2027, 6, 6),
            kind=RaceKind.ROAD,
            distance_km=10,
            expected_minutes=minutes,
        )


def test_dolomites_race_session_minutes(dolomites: Scenario) -> None:
    assert dolomites.race_minutes() == 494


def test_scenario_is_frozen(dolomites: Scenario) -> None:
    with pytest.raises(ValueError, match="frozen"):
        dolomites.name = "changed"  # type: ignore[misc]


def test_exception_outside_the_plan_is_refused(dolomites: Scenario) -> None:
    data = dolomites.model_dump()
    data["exceptions"] = [{"date": dt.date(2027, 5, 1)}]
    with pytest.raises(ValueError, match="exceptions: 2027-05-01 is outside the plan"):
        Scenario.model_validate(data)


def test_pin_on_race_day_is_refused(dolomites: Scenario) -> None:
    data = dolomites.model_dump()
    data["pinned"] = [
        {"date": dt.date(2027, 4, 25), "slot": "am", "kind": "road_easy", "minutes": 30}
    ]
    with pytest.raises(ValueError, match="race day holds only the race"):
        Scenario.model_validate(data)


def test_pin_of_an_injury_excluded_kind_is_refused(dolomites: Scenario) -> None:
    data = dolomites.model_dump()
    data["athlete"]["injuries"] = ["knee"]
    # Saturday 2027-01-09: trail reachable, 300 min available, but downhill_technique is
    # built around descending (the downhill stress a knee injury excludes; v3 leaves the
    # long trail run open).
    data["pinned"] = [
        {"date": dt.date(2027, 1, 9), "slot": "am", "kind": "downhill_technique", "minutes": 45}
    ]
    with pytest.raises(ValueError, match=r"stresses an injury of the athlete \(H19\)"):
        Scenario.model_validate(data)


def test_phases_in_a_scenario_must_match_the_horizon(dolomites: Scenario) -> None:
    data = dolomites.model_dump()
    data["phases"] = [Phase.BASE] * 15
    with pytest.raises(ValueError, match="phases has 15 entries but the plan has 16 weeks"):
        Scenario.model_validate(data)


def test_pin_in_a_slot_its_kind_does_not_allow_is_refused(dolomites: Scenario) -> None:
    """trail_night takes the pm slot only (v3 kind slots): a morning pin is an input error
    that names the fix."""
    data = dolomites.model_dump(mode="json")
    data["pinned"] = [{"date": "2027-01-09", "slot": "am", "kind": "trail_night", "minutes": 60}]
    with pytest.raises(ValidationError, match=r"trail_night may take only the pm slot \(H03\)"):
        Scenario.model_validate(data)
    data["sessions"] = [*data["sessions"], {"id": "trail_night", "slots": ["am", "pm"]}]
    assert Scenario.model_validate(data).pinned[0].slot is Slot.AM
