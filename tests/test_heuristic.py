"""The greedy planner (`periodize.heuristic`): what it guarantees, on every shipped scenario,
every benchmark instance and generated scenarios. Its remaining checker violations are
printed (``pytest -s``) and recorded as a test property, never hidden."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from conftest import ROOT, SCENARIOS, shipped_scenario_paths
from periodize import check, load_scenario
from periodize.calendar import Week
from periodize.heuristic import greedy_plan, greedy_sessions
from periodize.plan import Plan, Session, Status
from periodize.scenario import Scenario
from periodize.targets import counts_for_long, long_goal, long_targets
from periodize.vocabulary import SLOTS, Modality, Phase, RaceKind, Slot, Weekday
from strategies import scenarios

INSTANCES = sorted((ROOT / "benchmarks" / "instances").glob("*.yaml"))
PATHS = shipped_scenario_paths() + INSTANCES
GUARANTEED = {"H01", "H02", "H03", "H04", "H06", "H18", "H19", "H20", "H21", "PLAN"}
"""Rules the greedy planner never breaks on these scenarios (pins and all), and on any
scenario without pins (`test_greedy_plan_keeps_the_day_rules_on_generated_scenarios`)."""
CAPS = {"H05", "H07", "H09", "H10", "H11", "H12", "H13", "H14", "H17"}
"""Weekly caps it keeps as well where no pin forces its hand."""
NOT_GUARANTEED = {"H15"}
"""The terrain band: repaired where the week's caps and days allow, not always possible
(a sparse calendar, a road long run against a half-road build band)."""


def _structure(scenario: Scenario, plan: Plan) -> None:
    """Every day covered in order; sessions only in open slots, on reachable terrain, of
    allowed kinds, on the grid; the race alone on race day; pins as pinned."""
    assert plan.status is Status.FEASIBLE
    assert [day.date for day in plan.days] == scenario.dates
    grid = scenario.resolved_rules.grid_minutes
    allowed = {kind.id for kind in scenario.allowed_kinds()}
    race = scenario.race
    pins = {(pin.date, pin.slot): pin for pin in scenario.pinned}
    for day in plan.days:
        assert day.weekday is Weekday.of(day.date)
        if race is not None and day.date == race.date:
            assert [s.kind for s in day.sessions] == ["race"]
            continue
        assert len({s.slot for s in day.sessions}) == len(day.sessions)
        for session in day.sessions:
            pin = pins.get((day.date, session.slot))
            if pin is not None:
                assert (session.kind, session.minutes) == (pin.kind, pin.minutes)
                continue
            assert session.kind in allowed
            kind = scenario.catalogue[session.kind]
            assert 0 < session.minutes <= scenario.slot_minutes(day.date, session.slot)
            assert kind.minutes[0] <= session.minutes <= kind.minutes[1]
            assert session.minutes % grid == 0
            assert scenario.reachable(kind.terrain, day.date)
    for pin in scenario.pinned:
        day = plan.days[(pin.date - scenario.start).days]
        assert any(s.slot is pin.slot and s.kind == pin.kind for s in day.sessions)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_greedy_plan_keeps_safety_rules(path: Path, record_property: pytest.RecordProperty) -> None:
    scenario = load_scenario(path)
    plan = greedy_plan(scenario)
    _structure(scenario, plan)
    violations = check(scenario, plan)
    counts = Counter(v.rule for v in violations)
    record_property("checker_violations", len(violations))
    print(f"{path.stem}: {len(violations)} checker violations {dict(counts)}")
    # recipe minimums are shortfalls (listed), or violations under strict recipes
    broken = {v.rule for v in violations if not v.recipe}
    assert not broken & (GUARANTEED | CAPS), [v.message for v in violations if not v.recipe]
    assert broken <= NOT_GUARANTEED
    assert plan.objective_terms["S0"] == sum(1 for s in plan.shortfalls if s.rule != "H15")


def test_greedy_sessions_are_the_plan_sessions(dolomites: Scenario) -> None:
    sessions = greedy_sessions(dolomites)
    plan = greedy_plan(dolomites)
    found = {
        ((day.date - dolomites.start).days, s.slot): (s.kind, s.minutes)
        for day in plan.days
        for s in day.sessions
        if not s.is_race
    }
    assert found == {key: (kind.id, minutes) for key, (kind, minutes) in sessions.items()}
    assert all(slot in SLOTS for _, slot in sessions)


def test_greedy_plan_is_deterministic(dolomites: Scenario) -> None:
    assert greedy_plan(dolomites).to_json() == greedy_plan(dolomites).to_json()


def test_greedy_plan_trains_toward_the_target(dolomites: Scenario) -> None:
    """Not an empty plan: every full week before the taper trains, with a long session in
    most of them and rest days kept."""
    plan = greedy_plan(dolomites)
    loading = [w for w in plan.weeks if w.phase.value != "taper" and w.days == 7]
    assert all(w.sessions >= 3 and w.load > 0 for w in loading)
    rules = dolomites.resolved_rules
    assert all(w.rest_days >= rules.min_rest_days for w in loading)


def test_heuristic_does_not_import_the_model() -> None:
    package = ROOT / "src" / "periodize" / "heuristic"
    imported: set[str] = set()
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported |= {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        }
        imported |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
    assert "periodize.heuristic.minutes" in imported  # the package's own modules are read
    assert not any(
        name.startswith(("periodize.model", "periodize.solve", "periodize.check", "ortools"))
        for name in imported
    )


@pytest.mark.slow
@settings(max_examples=25)
@given(scenarios(max_weeks=8))
def test_greedy_plan_structure_on_generated_scenarios(scenario: Scenario) -> None:
    """Whatever the scenario (pins, strict recipes, odd rules): the plan covers every day,
    places sessions only where they fit, and breaks none of the rules of the calendar."""
    plan = greedy_plan(scenario)
    _structure(scenario, plan)
    broken = {v.rule for v in check(scenario, plan) if not v.recipe}
    assert not broken & {"H01", "H02", "H19", "PLAN"}


@pytest.mark.slow
@settings(max_examples=25)
@given(scenarios(max_weeks=8, with_pins=False))
def test_greedy_plan_keeps_the_day_rules_on_generated_scenarios(scenario: Scenario) -> None:
    """Without pins to force its hand the greedy plan keeps every rule of the days it
    builds (slots, doubles and same-day pairs, rest days, back-to-back demanding days, the
    race's quiet days and rest day, injuries, specificity) whatever the scenario."""
    plan = greedy_plan(scenario)
    broken = {v.rule for v in check(scenario, plan) if not v.recipe}
    assert not broken & GUARANTEED, [v.message for v in check(scenario, plan) if not v.recipe]


# ----- v3 behaviour on shipped scenarios ----------------------------------------------


def _weeks(scenario: Scenario, plan: Plan) -> list[tuple[Week, list[Session]]]:
    """Each week of the plan with its training sessions (the race out)."""
    return [
        (week, [s for d in plan.days if week.contains(d.date) for s in d.sessions if not s.is_race])
        for week in scenario.calendar
    ]


def _longest_counting(scenario: Scenario, sessions: list[Session]) -> int:
    race_kind = scenario.race.kind if scenario.race is not None else None
    return max(
        (s.minutes for s in sessions if counts_for_long(scenario.catalogue[s.kind], race_kind)),
        default=0,
    )


def test_long_session_grows_week_to_week_toward_the_long_goal(dolomites: Scenario) -> None:
    """S6, H14: the long session grows over the loading weeks toward the long goal (a 50 km
    mountain race asks for 0.6 x race time), within H14's growth; the old planner stayed
    near the baseline (90 minutes against a goal of 296)."""
    plan = greedy_plan(dolomites)
    targets = long_targets(dolomites)
    longest = [
        _longest_counting(dolomites, sessions)
        for week, sessions in _weeks(dolomites, plan)
        if week.index in targets
    ]
    half = len(longest) // 2
    assert max(longest[half:]) > max(longest[:half]) > longest[0]
    assert max(longest[-2:]) >= 0.8 * long_goal(dolomites) > longest[0]


def test_weekly_minutes_rise_with_the_target_minutes(dolomites: Scenario) -> None:
    """S2 on minutes: volume rises, not only intensity: the plan's biggest week before the
    taper holds far more minutes than the athlete's recent weeks (300), following
    `targets.target_minutes` (which peaks at 450 for this race) within H09's 8 % a week."""
    plan = greedy_plan(dolomites)
    loading = [w.minutes for w in plan.weeks if w.phase is not Phase.TAPER]
    assert max(loading) >= 1.25 * dolomites.athlete.weekly_minutes
    assert max(loading[-3:]) > max(loading[:3])


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_recovery_weeks_are_shorter_in_minutes(path: Path) -> None:
    """H11 on minutes: a recovery week holds fewer minutes than the week before it (at
    most recovery_load.hi of them), fewer sessions than the level's most and no double."""
    scenario = load_scenario(path)
    plan = greedy_plan(scenario)
    rules = scenario.resolved_rules
    weeks = _weeks(scenario, plan)
    recovery = [(before, now) for before, now in itertools.pairwise(weeks) if now[0].recovery]
    assert len(recovery) == sum(1 for w in scenario.calendar if w.recovery and w.index > 1)
    for (_, before), (week, sessions) in recovery:
        minutes = sum(s.minutes for s in sessions)
        assert minutes <= rules.recovery_load.hi * sum(s.minutes for s in before)
        assert minutes < sum(s.minutes for s in before) or not before
        assert len(sessions) <= rules.sessions_per_week.hi - 1
        days = [d for d in plan.days if week.contains(d.date)]
        assert all(len(d.sessions) <= 1 for d in days)


RACES = [p for p in PATHS if load_scenario(p).race is not None]


@pytest.mark.parametrize("path", RACES, ids=lambda p: p.stem)
def test_no_demanding_session_in_the_quiet_days_before_a_race(path: Path) -> None:
    """H18: no demanding session (hard, long run, technical downhill, simulation) in the
    race_quiet_days (4) days before the race; a rest day among the 6 days before it."""
    scenario = load_scenario(path)
    plan = greedy_plan(scenario)
    race = scenario.race
    assert race is not None
    by_date = {d.date: d for d in plan.days}
    quiet = scenario.resolved_rules.race_quiet_days
    before = [race.date - dt.timedelta(days=n) for n in range(1, 7)]
    for n, date in enumerate(before, start=1):
        if date in by_date and n <= quiet:
            assert not any(scenario.catalogue[s.kind].is_demanding for s in by_date[date].sessions)
    assert any(not by_date[d].sessions for d in before if d in by_date)


def test_road_race_build_holds_no_trail_only_kind() -> None:
    """H21: before a road race, build, peak and taper weeks hold no kind that serves trail
    races only; its base weeks may (the trail base of a road marathon)."""
    scenario = load_scenario(SCENARIOS / "road-marathon-trail-base.yaml")
    plan = greedy_plan(scenario)
    for week, sessions in _weeks(scenario, plan):
        if week.phase is not Phase.BASE:
            assert all(RaceKind.ROAD in scenario.catalogue[s.kind].races for s in sessions)


def test_strength_every_full_week_outside_the_taper(dolomites: Scenario) -> None:
    """H22: a strength session in every full week outside the taper, recovery weeks too."""
    plan = greedy_plan(dolomites)
    for week, sessions in _weeks(dolomites, plan):
        if week.full and not week.taper:
            assert any(s.modality is Modality.STRENGTH for s in sessions), week.index


def test_hill_session_in_build_and_peak_before_a_hilly_trail_race() -> None:
    """H16: 9000 m over 160 km asks for a hill session (hills terrain or a climbing kind,
    the long hike with elevation among them) in every full non-recovery build and peak
    week."""
    scenario = load_scenario(SCENARIOS / "mountain-100-mile-advanced.yaml")
    assert scenario.race is not None
    assert scenario.race.asks_for_hills
    plan = greedy_plan(scenario)
    weeks = [
        (week, sessions)
        for week, sessions in _weeks(scenario, plan)
        if week.full and not week.recovery and week.phase in (Phase.BUILD, Phase.PEAK)
    ]
    assert len(weeks) >= 6
    for week, sessions in weeks:
        assert any(scenario.catalogue[s.kind].is_hill_session for s in sessions), week.index


TRAINING_DAYS = ("mon", "tue", "wed", "thu", "sat")


def test_night_run_only_in_the_evening() -> None:
    """H03: a kind whose slots are pm only (the night run) is never planned in the morning,
    even where the morning has the time: a trail peak whose only simulation that fits is
    the night run."""
    data = {
        "name": "night run",
        "start": "2027-01-04",
        "athlete": {"level": "intermediate", "weekly_minutes": 300, "long_minutes": 90},
        "availability": {day: {"am": 120, "pm": 120} for day in TRAINING_DAYS},
        "terrain": {"road": "all", "trail": "all"},
        "goal": {
            "race": {"name": "Trail", "date": "2027-02-14", "kind": "trail", "distance_km": 30}
        },
        "sessions": [{"id": "trail_loaded", "minutes": [150, 180]}],
    }
    scenario = Scenario.model_validate(data)
    assert any(w.phase is Phase.PEAK for w in scenario.calendar)
    plan = greedy_plan(scenario)
    nights = [s for d in plan.days for s in d.sessions if s.kind == "trail_night"]
    assert nights
    assert all(s.slot is Slot.PM for s in nights)


def test_a_race_on_the_first_day_of_race_week_leaves_it_no_training_day() -> None:
    """The half marathon moved to Monday 2027-09-20 (two taper weeks, the second one day
    long, race day only): its race week has no training day, so the first taper week keeps
    no room for it (a division by its zero training days crashed the greedy planner), and
    the plan keeps every safety rule."""
    data = yaml.safe_load((SCENARIOS / "half-marathon-8-weeks.yaml").read_text("utf-8"))
    race = dt.date(2027, 9, 20)
    data["goal"]["race"]["date"] = race.isoformat()
    scenario = Scenario.model_validate(data)
    last = scenario.calendar[-1]
    assert (last.taper, last.days, last.is_race_week) == (True, 1, True)
    assert scenario.calendar[-2].taper
    plan = greedy_plan(scenario)
    assert [s.kind for d in plan.days if d.date == race for s in d.sessions] == ["race"]
    assert [v for v in check(scenario, plan) if not v.recipe] == []
