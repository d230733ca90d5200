"""The log generator of tests/life.py: every perturbation happens, each does what its
label says, and every log it draws is one `logged_sessions` accepts.

The plan is built by hand (no solve): a four-week road 10K plan with a taper week, three
sessions a week and Friday closed, so that every perturbation has something to act on."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from life import AS_PLANNED, PERTURBATIONS, WRITINGS, Life, as_planned, life_logs, todays
from periodize.log import TrainingLog, logged_sessions
from periodize.plan import Plan
from periodize.scenario import Scenario
from plan_builder import PlanBuilder, day, make_scenario

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

RACE_DAY = day(27)  # Sunday of week 4


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return make_scenario(
        weeks=None,
        goal={"race": {"name": "Park 10K", "date": RACE_DAY.isoformat(), "kind": "road",
                       "distance_km": 10}},
        availability={"fri": {"am": 0, "pm": 0}},
        rules={"taper_weeks": 1},
    )  # fmt: skip


@pytest.fixture(scope="module")
def plan(scenario: Scenario) -> Plan:
    builder = PlanBuilder(scenario)
    for week in range(4):
        monday = 7 * week
        builder.add(monday + 1, "road_easy", 45)
        builder.add(monday + 3, "road_tempo", 40, "am")
        builder.add(monday + 3, "strength_mobility", 30, "pm")
        if week < 3:
            builder.add(monday + 5, "road_long", 90, "am")
    builder.add(RACE_DAY, "race", scenario.race_minutes(), "am")
    return builder.build()


def _past(plan: Plan, today: dt.date) -> Counter[tuple[dt.date, str | None, int, int]]:
    log = as_planned(plan, today)
    return Counter((e.date, e.kind, e.minutes, e.rpe) for e in log.entries)


def _entries(life: Life) -> Counter[tuple[dt.date, str | None, int, int]]:
    return Counter((e.date, e.kind, e.minutes, e.rpe) for e in life.log.entries)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_drawn_log_fits_its_scenario(
    scenario: Scenario, plan: Plan, data: st.DataObject
) -> None:
    today = data.draw(todays(scenario), label="today")
    life = data.draw(life_logs(plan, scenario, today), label="life")

    placed = logged_sessions(scenario, life.log, today)  # raises LogError on a bad log

    assert all(scenario.start <= e.date < today for e in life.log.entries)
    assert sum(len(sessions) for sessions in placed.values()) == len(life.log.entries)
    assert all(e.kind != "race" for e in life.log.entries)
    assert life.events
    assert set(life.events) <= {AS_PLANNED, *PERTURBATIONS, *WRITINGS}
    if life.as_planned:
        assert life.log == as_planned(plan, today)


@pytest.mark.parametrize("name", [AS_PLANNED, *PERTURBATIONS, *WRITINGS])
def test_each_perturbation_is_drawn(scenario: Scenario, plan: Plan, name: str) -> None:
    today = RACE_DAY  # the whole plan before today: every perturbation has room
    found = find(life_logs(plan, scenario, today), lambda life: name in life.events)

    assert name in found.events


def _only(name: str, scenario: Scenario, plan: Plan, today: dt.date) -> Life:
    """A log with ``name`` as its one perturbation, entries written as planned."""
    logs = life_logs(
        plan, scenario, today, max_perturbations=1, perturbations=(name,), rewrite=False
    )
    return find(logs, lambda life: life.events == (name,))


def test_a_missed_week_leaves_a_week_empty(scenario: Scenario, plan: Plan) -> None:
    life = _only("missed week", scenario, plan, RACE_DAY)

    weeks = {scenario.week_of(e.date).index for e in life.log.entries}
    assert weeks < {1, 2, 3, 4}


def test_two_weeks_ill_leave_fourteen_days_of_rest(scenario: Scenario, plan: Plan) -> None:
    life = _only("two weeks ill", scenario, plan, RACE_DAY)

    dates = sorted({e.date for e in life.log.entries} | {scenario.start, RACE_DAY})
    assert max(b - a for a, b in itertools.pairwise(dates)) >= dt.timedelta(days=14)


@pytest.mark.parametrize(("name", "lo", "hi"), [("longer", 1.0, 1.5), ("shorter", 0.5, 1.0)])
def test_longer_and_shorter_change_one_session_by_at_most_half(
    scenario: Scenario, plan: Plan, name: str, lo: float, hi: float
) -> None:
    life = _only(name, scenario, plan, RACE_DAY)

    removed = _past(plan, RACE_DAY) - _entries(life)
    added = _entries(life) - _past(plan, RACE_DAY)
    ((date, kind, before, rpe),) = removed
    ((date_after, kind_after, after, rpe_after),) = added
    assert (date, kind, rpe) == (date_after, kind_after, rpe_after)
    assert lo * before <= after <= hi * before
    assert after != before


def test_harder_and_easier_move_rpe_by_at_most_two(scenario: Scenario, plan: Plan) -> None:
    for name, sign in (("harder", 1), ("easier", -1)):
        life = _only(name, scenario, plan, RACE_DAY)
        ((*_, before),) = _past(plan, RACE_DAY) - _entries(life)
        ((*_, after),) = _entries(life) - _past(plan, RACE_DAY)
        assert 1 <= sign * (after - before) <= 2


def test_a_swapped_kind_is_another_modality_or_a_hike(scenario: Scenario, plan: Plan) -> None:
    life = _only("swapped kind", scenario, plan, RACE_DAY)

    ((_, before, *_),) = _past(plan, RACE_DAY) - _entries(life)
    ((_, after, *_),) = _entries(life) - _past(plan, RACE_DAY)
    assert before is not None
    assert after is not None
    assert scenario.catalogue[after].modality is not scenario.catalogue[before].modality


def test_an_unavailable_day_gets_a_session(scenario: Scenario, plan: Plan) -> None:
    life = _only("unavailable day", scenario, plan, RACE_DAY)

    ((date, *_),) = _entries(life) - _past(plan, RACE_DAY)
    assert not (_past(plan, RACE_DAY) - _entries(life))
    assert scenario.day_minutes(date) == 0 or any(
        scenario.slot_minutes(date, e.slot) == 0
        for e in life.log.entries
        if e.date == date and e.slot is not None
    )


def test_the_taper_half_done_skips_half_the_taper_sessions(scenario: Scenario, plan: Plan) -> None:
    life = _only("taper half done", scenario, plan, RACE_DAY)

    def taper(entries: Counter[tuple[dt.date, str | None, int, int]]) -> int:
        return sum(n for (date, *_), n in entries.items() if scenario.week_of(date).taper)

    planned = taper(_past(plan, RACE_DAY))
    assert taper(_entries(life)) in {planned // 2, planned - planned // 2}
    assert _entries(life) <= _past(plan, RACE_DAY)


def test_an_empty_past_is_an_empty_log(scenario: Scenario, plan: Plan) -> None:
    life = find(life_logs(plan, scenario, scenario.start), lambda _life: True)

    assert life.log == TrainingLog(())
    assert life.events == (AS_PLANNED,)
