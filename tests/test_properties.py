"""Property tests (Hypothesis) of the solver, the checker and the loader.

1. a solved plan (optimal or feasible) breaks no rule `check` knows;
2. an infeasible scenario is reported cleanly: status ``infeasible``, no days, no exception;
3. monotonicity: more minutes in a weekly slot never turns a feasible scenario infeasible,
   nor worsens a proven optimum;
4. determinism: two deterministic solves give the same JSON, byte for byte;
5. round trip: a plan read back from its JSON checks the same as the original;
6. the loader turns any input, mangled or not, into a `Scenario` or an `InputError`;
7. a week missed entirely never locks H10;
8. re-planning around real life (training logs from tests/life.py: missed days and weeks,
   illness, longer, shorter, harder, easier, swapped, extra and unavailable-day sessions,
   the taper half done): feasible, the past exactly the log, every week from today on
   passing the checker, and a log equal to the plan giving the plan back;
9. an infeasible re-plan (pins and strict recipes allowed) names rules, says why, and
   never only weeks before today.

Example counts scale with the Hypothesis profile (conftest.py: ``ci`` by default,
``thorough`` with ``HYPOTHESIS_PROFILE=thorough``); horizons and time limits too
(strategies.py). Most properties use the wall-clock solve on two workers (``FAST``): a
deterministic time limit can take several times as long in wall time, and the ``ci``
budget is about three minutes for the whole file. Property 2 solves deterministically
(infeasibility proofs are quick), property 4 by definition, and properties 8 and 9
because the logs drawn depend on the solved plan (a replayed example must draw the same).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import assume, event, given, note, settings
from hypothesis import strategies as st

from life import life_logs, todays
from periodize.check import Violation, check, waived_weeks
from periodize.loading import InputError, validate_data
from periodize.plan import Day, Plan, Status
from periodize.replan import replan
from periodize.scenario import Scenario
from periodize.shortfalls import h15_waivers
from periodize.solve import SolveOptions, solve
from strategies import (
    MAX_WEEKS,
    THOROUGH,
    TIME_LIMIT_S,
    infeasible_scenario_dicts,
    mangled_dicts,
    scenario_dicts,
    scenarios,
)

OPTIONS = SolveOptions(time_limit_s=TIME_LIMIT_S, deterministic=True)
"""Deterministic solves (one worker, deterministic time): replayed the same way."""
FAST = SolveOptions(time_limit_s=TIME_LIMIT_S, workers=2, seed=1)
"""Wall-clock solves on two workers: about ``TIME_LIMIT_S`` each."""
REPEATED = SolveOptions(time_limit_s=TIME_LIMIT_S / 2, deterministic=True)
"""Determinism solves every example twice: half the time limit (identity does not depend
on it; a deterministic limit can take several times as long in wall time)."""
SOLVED = (Status.OPTIMAL, Status.FEASIBLE)
MONOTONE_WEEKS = MAX_WEEKS if THOROUGH else 4
"""Monotonicity solves twice and compares proven optima: shorter horizons under ``ci``."""


def examples(factor: float) -> int:
    """``factor`` times the active profile's ``max_examples`` (at least 1)."""
    return max(1, round(settings.default.max_examples * factor))


def _show(scenario: Scenario) -> str:
    return scenario.model_dump_json(exclude_defaults=True)


def _assert_no_plan(plan: Plan) -> None:
    assert plan.days == ()
    assert plan.weeks == ()
    assert plan.shortfalls == ()
    assert plan.objective_terms == {}
    assert not plan.has_plan


# 1 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(1.0))
@given(scenarios())
def test_solved_plan_passes_the_checker(scenario: Scenario) -> None:
    plan = solve(scenario, FAST)
    event(f"status {plan.status}")
    if plan.status not in SOLVED:
        return
    violations = check(scenario, plan)
    note(f"scenario: {_show(scenario)}")
    assert violations == [], "\n".join(f"{v.rule} w{v.week} {v.message}" for v in violations)


# 2 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(1.0))
@given(
    st.one_of(
        infeasible_scenario_dicts().map(lambda data: (True, data)),
        scenario_dicts(recipes="strict").map(lambda data: (False, data)),
    )
)
def test_infeasible_is_reported_cleanly(case: tuple[bool, dict[str, Any]]) -> None:
    known_infeasible, data = case
    scenario = Scenario.model_validate(data)
    plan = solve(scenario, OPTIONS)
    event(f"{'built infeasible' if known_infeasible else 'strict'}: {plan.status}")
    if known_infeasible:
        # Never a plan. A counting argument (rest days x doubles < sessions wanted) may
        # take CP-SAT longer than the time limit to prove: unknown is allowed, not a plan.
        assert not plan.has_plan, f"{data['name']}: {plan.status}"
    if plan.status in (Status.INFEASIBLE, Status.UNKNOWN):
        _assert_no_plan(plan)
        assert check(scenario, plan) == []
        json.loads(plan.to_json())


# 3 ---------------------------------------------------------------------------------------


@st.composite
def widened(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A scenario dict and a copy with more minutes in one slot of its weekly availability
    (a slot it already lists), so the copy allows every plan the original allows."""
    recipes = draw(st.sampled_from(["soft", "soft", "strict"]))
    data = draw(scenario_dicts(max_weeks=MONOTONE_WEEKS, recipes=recipes))
    slots = [(day, slot) for day, entry in data["availability"].items() for slot in entry]
    assume(slots)
    day, slot = draw(st.sampled_from(sorted(slots)))
    more = copy.deepcopy(data)
    entry = more["availability"][day]
    other = sum(minutes for name, minutes in entry.items() if name != slot)
    room = 1440 - other - entry[slot]
    assume(room > 0)
    entry[slot] += draw(st.integers(1, min(room, 240)))
    return data, more


def _rank(plan: Plan) -> tuple[int, int]:
    """Lexicographic objective: recipe misses (S0) first, then the weighted soft terms."""
    assert plan.stats.objective is not None
    return plan.objective_terms.get("S0", 0), plan.stats.objective


@pytest.mark.slow
@settings(max_examples=examples(0.8))
@given(widened())
def test_more_minutes_never_hurt(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = (Scenario.model_validate(data) for data in pair)
    # H15 waives the band of a week in which no road (trail) run fits: more minutes can
    # lift a waiver and so add a constraint. Compare only where the waivers stay the same.
    assume(waived_weeks(before).keys() == waived_weeks(after).keys())
    assume(h15_waivers(before).keys() == h15_waivers(after).keys())
    first = solve(before, FAST)
    if first.status not in SOLVED:
        event(f"original {first.status}")
        return
    second = solve(after, FAST)
    event(f"{first.status} -> {second.status}")
    note(f"original: {_show(before)}")
    note(f"widened availability: {after.availability}")
    assert second.status is not Status.INFEASIBLE
    if first.status is Status.OPTIMAL and second.status is Status.OPTIMAL:
        assert _rank(second) <= _rank(first), (first.objective_terms, second.objective_terms)


# 4 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(0.8))
@given(scenarios())
def test_deterministic_solves_are_identical(scenario: Scenario) -> None:
    first = solve(scenario, REPEATED)
    second = solve(scenario, REPEATED)
    event(f"status {first.status}")
    assert first.to_json() == second.to_json()


# 5 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(0.8))
@given(scenarios())
def test_plan_json_round_trip_checks_the_same(scenario: Scenario) -> None:
    plan = solve(scenario, FAST)
    event(f"status {plan.status}")
    back = Plan.model_validate_json(plan.to_json())
    assert check(scenario, back) == check(scenario, plan)
    assert back == plan
    assert back.to_json() == plan.to_json()


# 6 ---------------------------------------------------------------------------------------

TRACEBACK_TEXT = ("Traceback (most recent call last)", 'File "', "Error:", "\n  File ")


@pytest.mark.slow
@settings(max_examples=examples(20))
@given(mangled_dicts())
def test_loader_raises_only_input_errors(data: Any) -> None:
    try:
        scenario = validate_data(Scenario, data, "x")
    except InputError as error:
        message = str(error)
        event("InputError")
        assert message.strip()
        for text in TRACEBACK_TEXT:
            assert text not in message
        assert all(line.startswith("x: ") and line[3:].strip() for line in message.split("\n"))
    else:
        event("valid")
        assert isinstance(scenario, Scenario)
        # A scenario that validates has a calendar: every date of the plan exists.
        assert len(scenario.dates) == scenario.horizon_days
        assert len(scenario.calendar) == scenario.horizon_weeks


# 7 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(0.5))
@given(scenarios(max_weeks=max(3, MAX_WEEKS), with_pins=False), st.data())
def test_a_missed_week_never_locks_h10(scenario: Scenario, data: st.DataObject) -> None:
    """v3's H10 compares a week with the most of the four weeks before it: a plan whose
    athlete did nothing in one whole week (illness) re-plans from the next week on without
    H10 among the rules that cannot hold."""
    from periodize.log import LogEntry, TrainingLog

    assume(scenario.horizon_weeks >= 3)
    plan = solve(scenario, FAST)
    assume(plan.status in SOLVED)
    missed = data.draw(st.integers(1, scenario.horizon_weeks - 2), label="missed week")
    week = scenario.calendar[missed - 1]
    today = week.end + dt.timedelta(days=1)
    log = TrainingLog(
        tuple(
            LogEntry(date=day.date, kind=s.kind, minutes=s.minutes, rpe=s.rpe, slot=s.slot)
            for day in plan.days
            if day.date < today and not week.contains(day.date)
            for s in day.sessions
            if not s.is_race
        )
    )
    again = replan(scenario, plan, log, today, FAST)
    event(f"re-plan {again.status}")
    assert all("H10" not in conflict.rules for conflict in again.conflicts)
    if again.has_plan:
        violations = check(scenario, again, done=log, today=today)
        assert all(v.rule != "H10" for v in violations)


# 8 ---------------------------------------------------------------------------------------

LOGS_PER_PLAN = 4 if THOROUGH else 3
"""Life logs drawn per solved plan: one solve serves several re-plans (``thorough``: 70
plans, up to 280 (scenario, log) pairs)."""


def _future_days(plan: Plan, today: dt.date) -> list[Day]:
    return [d for d in plan.days if d.date >= today]


def _show_violations(violations: list[Violation]) -> str:
    return "\n".join(f"{v.rule} w{v.week} {v.date} {v.message}" for v in violations)


@pytest.mark.slow
@settings(max_examples=examples(0.35) if THOROUGH else examples(0.6))
@given(scenarios(with_pins=False, recipes="soft"), st.data())
def test_a_replan_around_real_life_holds(scenario: Scenario, data: st.DataObject) -> None:
    """rules.md, "Re-planning: the past is a fact": whatever life did before today (see
    tests/life.py), the re-plan of a scenario without pins is feasible, its past is
    exactly the log, every week from today on passes the checker, and a log equal to the
    plan gives the plan back. (Pins and strict recipes can make the future alone
    infeasible: property 9.)"""
    assume(len(scenario.dates) > 1)
    plan = solve(scenario, OPTIONS)
    assume(plan.status in SOLVED)
    note(f"scenario: {_show(scenario)}")
    for number in range(LOGS_PER_PLAN):
        today = data.draw(todays(scenario), label=f"today {number}")
        life = data.draw(life_logs(plan, scenario, today), label=f"life {number}")
        for name in life.events:
            event(name)
        again = replan(scenario, plan, life.log, today, OPTIONS)
        event(f"re-plan {again.status}")
        assert again.status in SOLVED, (life.events, again.conflicts)
        violations = check(scenario, again, done=life.log, today=today)
        assert [v for v in violations if v.rule == "H20"] == [], _show_violations(violations)
        assert violations == [], _show_violations(violations)
        if life.as_planned:
            assert _future_days(again, today) == _future_days(plan, today)
            assert again.changes == ()


# 9 ---------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=examples(0.3))
@given(scenarios(), st.data())
def test_an_infeasible_replan_names_rules_of_the_future(
    scenario: Scenario, data: st.DataObject
) -> None:
    """With pins and strict recipes the future alone may not hold; then the re-plan says
    which rules cannot: at least one conflict, each with rules and a message, and none
    that names only weeks wholly before today (the past is a fact, not a member)."""
    assume(len(scenario.dates) > 1)
    plan = solve(scenario, OPTIONS)
    assume(plan.status in SOLVED)
    note(f"scenario: {_show(scenario)}")
    for number in range(2):
        today = data.draw(todays(scenario), label=f"today {number}")
        life = data.draw(life_logs(plan, scenario, today), label=f"life {number}")
        again = replan(scenario, plan, life.log, today, OPTIONS)
        event(f"re-plan {again.status}")
        if again.status is not Status.INFEASIBLE:
            continue
        first = scenario.week_of(today).index
        assert again.conflicts
        for conflict in again.conflicts:
            assert conflict.rules, conflict
            assert all(rule.strip() for rule in conflict.rules), conflict
            assert conflict.message.strip(), conflict
            assert conflict.week is None or conflict.week >= first, conflict
            named = [int(week) for week in re.findall(r"\bweek (\d+)\b", conflict.message)]
            assert not named or max(named) >= first, conflict
