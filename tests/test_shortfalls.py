"""Shortfalls name the calendar fact behind them, and the fact is the fix: adding what a
shortfall's message says is missing (a slot of so many minutes on a day with such terrain,
an open slot on so many more days) and solving again removes that shortfall.

The remedy is read from the message itself (`apply_remedy`), so a message that names the
wrong minutes, the wrong terrain or too few days fails here."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from periodize.loading import validate_data
from periodize.plan import Plan, Shortfall
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from periodize.vocabulary import WEEKDAYS

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

OPTIONS = SolveOptions(time_limit_s=3.0, deterministic=True)

NEEDS = re.compile(
    r"it needs (?P<minutes>\d+) minutes in one slot on "
    r"(?:any day|a day with (?P<terrains>[a-z ]+?) access)"
)
MORE_DAYS = re.compile(r"an open slot on (?P<days>\d+) more days? would fix it")


def base(**changes: Any) -> dict[str, Any]:
    """An intermediate athlete, 4 weeks of general fitness, soft recipes; ``changes``
    replace top-level keys."""
    data: dict[str, Any] = {
        "name": "shortfall fixture",
        "start": "2027-03-01",
        "weeks": 4,
        "athlete": {"level": "intermediate", "weekly_minutes": 240, "long_minutes": 75},
        "availability": {
            "tue": {"pm": 60},
            "thu": {"pm": 60},
            "sat": {"am": 150},
            "sun": {"am": 120},
        },
        "terrain": {"road": "all", "trail": ["sat", "sun"]},
        # H22 off: a strength session a week would compete for the remedied slots, and
        # these cases are about calendar facts (competing recipes are tested below).
        "rules": {"recipes": "soft", "min_strength_per_week": 0},
    }
    data.update(changes)
    return data


def solved(data: dict[str, Any]) -> Plan:
    plan = solve(validate_data(Scenario, data, "fixture"), OPTIONS)
    assert plan.has_plan, plan.status
    return plan


def apply_remedy(data: dict[str, Any], shortfalls: list[Shortfall]) -> dict[str, Any]:
    """``data`` with what each of ``shortfalls`` says is missing added to every week, each
    on closed weekdays of its own: a slot of the stated minutes with the stated terrain
    reachable that day, or an open slot on the stated number of closed weekdays."""
    fixed = copy.deepcopy(data)
    availability: dict[str, dict[str, int]] = fixed["availability"]
    closed = [d.value for d in WEEKDAYS if d.value not in availability]
    # Free slots: closed days first, then the empty morning of an open day.
    free = iter(
        [(day, "am") for day in closed]
        + [(d, "am") for d, slots in availability.items() if "am" not in slots]
    )
    for shortfall in shortfalls:
        if needs := NEEDS.search(shortfall.message):
            day, slot = next(free)
            availability.setdefault(day, {})[slot] = int(needs["minutes"])
            for terrain in (needs["terrains"] or "").split(" or "):
                access = fixed["terrain"].setdefault(terrain, []) if terrain else "all"
                if access != "all" and day not in access:
                    access.append(day)
        elif more := MORE_DAYS.search(shortfall.message):
            for day in closed[: int(more["days"])]:
                availability[day] = {"am": 60}
        else:
            raise AssertionError(f"the message names nothing to add: {shortfall.message}")
    return fixed


def names_a_need(shortfall: Shortfall) -> bool:
    return bool(NEEDS.search(shortfall.message) or MORE_DAYS.search(shortfall.message))


def missed(plan: Plan, rule: str) -> list[Shortfall]:
    return [s for s in plan.shortfalls if s.rule == rule]


CASES = {
    # Trail only in two 40-minute evening slots: a trail run fits there, a hike (45
    # minutes at least) fits nowhere (H08 recipe).
    "hike-on-short-trail-evenings": (
        {
            "availability": {"tue": {"pm": 40}, "thu": {"pm": 40}, "sat": {"am": 150}},
            "terrain": {"road": "all", "trail": ["tue", "thu"]},
        },
        "H08",
    ),
    # Every slot is 40 minutes: no long session (45 minutes at least) fits (H14 recipe).
    "long-session-without-time": (
        {
            "availability": {day: {"pm": 40} for day in ("mon", "tue", "wed", "thu", "sat", "sun")},
            "athlete": {"level": "intermediate", "weekly_minutes": 160, "long_minutes": 40},
        },
        "H14",
    ),
    # Weekends only, no doubles: a beginner's three sessions do not fit (H07).
    "three-sessions-on-two-days": (
        {
            "availability": {"sat": {"am": 180}, "sun": {"am": 150}},
            "athlete": {"level": "beginner", "weekly_minutes": 150, "long_minutes": 60},
        },
        "H07",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_adding_what_a_shortfall_names_removes_it(case: str) -> None:
    """Every shortfall of the week names its need; adding all of them (each on days of its
    own: two recipes wanting the same missing terrain compete for one slot) removes the
    shortfall under test."""
    changes, rule = CASES[case]
    data = base(**changes)
    plan = solved(data)
    target = missed(plan, rule)[0]
    week = [s for s in plan.shortfalls if s.week == target.week and s.rule != "H15"]
    assert names_a_need(target), target.message

    after = solved(apply_remedy(data, [s for s in week if names_a_need(s)]))

    assert target.week not in {s.week for s in missed(after, rule)}, [
        s.message for s in missed(after, rule)
    ]


@pytest.mark.slow
def test_the_fix_is_the_stated_minutes_not_fewer() -> None:
    """A slot ten minutes shorter than the message states leaves the shortfall in place:
    the stated minutes are the real threshold, not a generous guess."""
    changes, rule = CASES["long-session-without-time"]
    data = base(**changes)
    target = missed(solved(data), rule)[0]
    needs = NEEDS.search(target.message)
    assert needs is not None
    short = copy.deepcopy(data)
    short["availability"]["fri"] = {"am": int(needs["minutes"]) - 10}
    assert target.week in {s.week for s in missed(solved(short), rule)}


def test_h07_counts_the_room_the_calendar_leaves() -> None:
    changes, rule = CASES["three-sessions-on-two-days"]
    message = missed(solved(base(**changes)), rule)[0].message
    assert "slots are open on 2 days (sat, sun)" in message
    assert "0 doubles are allowed (H03): room for 2" in message
    assert "an open slot on 1 more day would fix it" in message


def test_a_calendar_that_allows_a_recipe_gets_a_checked_reason() -> None:
    """Saturday and Sunday only, beginner (2 rest days, no doubles): two sessions a week.
    H08 wants 2 hikes and H22 a strength session: the calendar allows each alone, so the
    miss is no calendar fact. The one-week check with the rest of the plan fixed names
    what held it out: the recipe it competes with ("would cost"), or the hard rules that
    the plan's other weeks leave binding (two hikes in a base week leave the phase's
    terrain share to the other week's runs, H15), depending on the plan found."""
    data = base(
        availability={"sat": {"am": 180}, "sun": {"am": 150}},
        athlete={"level": "beginner", "weekly_minutes": 150, "long_minutes": 60},
        rules={"recipes": "soft", "min_strength_per_week": 1},
    )
    plan = solve(validate_data(Scenario, data, "fixture"), SolveOptions(time_limit_s=10.0))
    assert plan.has_plan
    misses = [s for s in plan.shortfalls if s.rule in ("H08", "H22")]
    assert misses, [s.message for s in plan.shortfalls]
    checked = [s for s in misses if "checked by a solve of the week" in s.message]
    assert checked, [s.message for s in misses]
    for shortfall in misses:
        assert "no day that week" not in shortfall.message
    for shortfall in checked:
        assert "would cost" in shortfall.message or "held it out" in shortfall.message
        if "would cost" in shortfall.message:
            assert ("H22" if shortfall.rule == "H08" else "H08") in shortfall.message
