"""Bugs found in `periodize.explain` while writing test_explain.py (issue 6).

Each test fails on the code as found and states what is wrong; see the helper's report.
They are kept here, not skipped, so that a fix turns them green.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import CliResult
from periodize.explain import explain, holds_together
from periodize.scenario import Scenario
from test_explain import CASES, DAYS, Case, assert_fix_works, data_of, guard, key, recipe

RunCli = Callable[..., CliResult]

# Intermediate athlete, one week, every day open for one 60-minute slot; at least three
# rest days (H04) leave four session days, one session each (H03: one per slot), and H07's
# recipe wants five. Infeasible by counting (solve() proves it in about 20 s on 2 cores).
SEVEN_SINGLE_SLOTS = data_of(
    weeks=1,
    availability={d: {"am": 60} for d in DAYS},
    rules={"recipes": "strict", "min_rest_days": 3, "sessions_per_week": [5, 6]},
)

# The same shape on five days (two closed), four rest days, four sessions wanted, with the
# intermediate defaults (terrain everywhere): {H03, H04, H07 recipe} is a minimal set.
FIVE_SINGLE_SLOTS = data_of(
    weeks=1,
    availability={d: {"am": 60} for d in DAYS[:5]},
    rules={"recipes": "strict", "min_rest_days": 4, "sessions_per_week": [4, 6]},
)


def case(name: str) -> Case:
    (found,) = [c for c in CASES if c.name == name]
    return found


@pytest.mark.slow
def test_explain_does_not_report_an_unproven_scenario_as_feasible() -> None:
    """BUG: `shrink`'s first check (all rules, presolve off) runs for at most CHECK_TIME_S
    = 5 s whatever ``time_limit_s`` is; when it ends UNKNOWN, explain returns None, which
    callers read as "feasible". Here it returns None after 5 s of a 30 s budget."""
    scenario = Scenario.model_validate(SEVEN_SINGLE_SLOTS)
    assert explain(scenario, time_limit_s=30) is not None


@pytest.mark.slow
def test_cli_explain_does_not_call_an_infeasible_scenario_feasible(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """BUG (same cause): `periodize explain` prints "feasible: every hard rule can hold"
    and exits 0 for the infeasible scenario above."""
    path = tmp_path / "seven.yaml"
    path.write_text(yaml.safe_dump(SEVEN_SINGLE_SLOTS))
    result = run_cli("explain", str(path), "--time-limit", "30")
    assert "every hard rule can hold" not in result.stdout
    assert result.exit_code == 3, result


def test_holds_together_honours_its_time_limit() -> None:
    """BUG: holds_together(time_limit_s=60) gives up after CHECK_TIME_S = 5 s (the check's
    limit is min(CHECK_TIME_S, time left)) and answers None; proving this set infeasible
    takes CP-SAT about 20 s with one worker."""
    scenario = Scenario.model_validate(FIVE_SINGLE_SLOTS)
    keys = [guard(key("H03")), guard(key("H04")), guard(recipe("H07"))]
    assert holds_together(scenario, keys, time_limit_s=60) is False


def test_explain_returns_the_minimal_set_within_its_budget() -> None:
    """BUG: explain returns {H03, H04, H07 recipe, H16 recipe} with minimal=False after
    about 16 s of a 30 s budget: the deletion check of H16r stops at 5 s. H16r is not
    needed ({H03, H04, H07r} is infeasible on its own, see the test above)."""
    scenario = Scenario.model_validate(FIVE_SINGLE_SLOTS)
    explanation = explain(scenario, time_limit_s=30)
    assert explanation is not None
    members = {(m.rule, m.week, m.day, m.recipe) for m in explanation.members}
    # One session per slot is a fact of the calendar (a per-day row no guard switches off),
    # so H03 is not a member here: rest days against one-slot days already conflict.
    assert members == {key("H04"), recipe("H07")}
    assert explanation.minimal


def test_a_fix_is_offered_when_one_step_is_not_enough() -> None:
    """BUG (minor): the set is {H08 recipe} (two hikes wanted, no hike fits the only trail
    day). `_override` proposes only "min_hikes_per_week: 1", which is still infeasible, so
    the explanation has no fix, although "recipes: soft" (the fallback `_override` has for
    other recipes) or "min_hikes_per_week: 0" works."""
    hikes = case("hikes only on a short trail day")
    explanation = explain(hikes.scenario, time_limit_s=30)
    assert explanation is not None
    assert explanation.fix is not None
    assert_fix_works(hikes.data, explanation.fix)


def test_h20_message_names_every_pin_of_its_day() -> None:
    """BUG: H20 guards are per day, so two pins on one day are one member, but its message
    names only the first pin ("H20 pins road_intervals 30 min on 2027-01-06 am"); the
    road_tempo pin, the other half of H03's "two hard sessions in one day", is missing."""
    pins = case("two hard pins on one day")
    explanation = explain(pins.scenario, time_limit_s=30)
    assert explanation is not None
    (h20,) = [d for d in explanation.details if d.rules == ("H20",)]
    assert "road_intervals" in h20.message
    assert "road_tempo" in h20.message


def test_h18_message_states_the_limit_that_binds() -> None:
    """BUG: in the taper case H18 binds through "the day before the race is rest or one
    easy session of at most 30 min", but its message only says "H18 keeps the 3 days
    before the race free of hard or long work", so the 30 minutes never appear (the "30"
    in the message is Monday's availability)."""
    taper = case("taper that cannot fit")
    explanation = explain(taper.scenario, time_limit_s=30)
    assert explanation is not None
    (h18,) = [d for d in explanation.details if d.rules == ("H18",)]
    assert "30 min" in h18.message


def test_h15_message_gives_the_band() -> None:
    """BUG: the H15 message ("H15 keeps the base terrain share in its band (road on ...,
    trail on ...)") never says the band (here 0.75-0.80 road share in base), though rules.md
    asks for "the numbers involved"."""
    data = copy.deepcopy(case("pinned road run out of band, or too many pinned days").data)
    del data["rules"]["min_rest_days"]  # default rest days: only the H15 set is left
    explanation = explain(Scenario.model_validate(data), time_limit_s=30)
    assert explanation is not None
    (h15,) = [d for d in explanation.details if d.rules == ("H15",)]
    assert "0.75-0.8" in h15.message


def test_h17_message_gives_the_minutes() -> None:
    """BUG: the H17 recipe message says "H17 wants taper weeks at 40% of the highest week
    before" but not that week's minutes (here the baseline 350) nor the minimum it gives
    (0.40 x 350 x 4/7 = 80 min in this 4-day week)."""
    taper = case("taper that cannot fit")
    explanation = explain(taper.scenario, time_limit_s=30)
    assert explanation is not None
    (h17,) = [d for d in explanation.details if d.rules == ("H17",)]
    assert "350" in h17.message
    assert "80" in h17.message


# A beginner whose hard_sessions is [0, 0], racing a 10 km on day 7: H05 counts the race as
# a hard session, so the race week breaks H05's cap on its own.
RACE_WITH_NO_HARD_SESSIONS = data_of(
    weeks=None,
    athlete={"level": "beginner", "weekly_minutes": 200, "long_minutes": 60},
    goal={"race": {"name": "10K", "date": "2027-01-10", "kind": "road", "distance_km": 10}},
    rules={"hard_sessions": [0, 0]},
)


@pytest.mark.slow
def test_h05_race_week_message_says_the_race_counts_and_offers_a_fix() -> None:
    """BUG: the set is {H05 week 1} (right), but the message "H05 allows at most 0 hard
    sessions" never says that the race is counted as the week's hard session, so the week
    seems to break nothing; and `_override` has no case for H05's safety part (nor for
    H06, H09, H12, H14, H15, H17, H18 safety), so no fix is offered although
    "set hard_sessions: [0, 1]" works."""
    explanation = explain(Scenario.model_validate(RACE_WITH_NO_HARD_SESSIONS), time_limit_s=30)
    assert explanation is not None
    assert [(m.rule, m.week, m.recipe) for m in explanation.members] == [("H05", 1, False)]
    (h05,) = explanation.details
    assert "race" in h05.message
    assert explanation.fix is not None
    assert_fix_works(RACE_WITH_NO_HARD_SESSIONS, explanation.fix)
