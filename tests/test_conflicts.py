"""An infeasible result always says why: at least one conflict, each naming rules and
saying something (issue 16: a re-plan answered ``conflicts: [{"rules": [], "message":
""}]``, printed as an empty line under "these rules cannot all hold").

Here: `solve` and `explain` on an infeasible scenario, and the explanation's own
guarantees: an `Explanation` cannot be built empty; when the facts alone are infeasible
(the unguarded part of the model: in a re-plan, the logged days) the deletion that shrinks
a core ends with no member, and the explanation says so in a conflict of its own; when no
set is shown in time, `infeasible_conflicts` names the rules in force. The re-plan and the
service's ``/v1/replans`` have theirs in test_replan.py and test_service_replan.py (they
reuse those files' solved plans), the generated ones in test_properties.py (property 9).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pytest

import periodize.explain as explain_module
from periodize.catalogue import builtin_kinds
from periodize.explain import (
    Explanation,
    Feasibility,
    explain,
    facts_conflict,
    infeasible_conflicts,
    shrink,
)
from periodize.model.build import build_model
from periodize.model.guards import GuardKey, GuardMode
from periodize.model.variables import History
from periodize.plan import Conflict, Status
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from periodize.vocabulary import Slot
from plan_builder import BASE_SCENARIO

OPTIONS = SolveOptions(time_limit_s=2.0, deterministic=True)
EASY_RUN = builtin_kinds()["road_easy"]


def assert_explained(conflicts: Sequence[Conflict]) -> None:
    """What every infeasible result must carry: conflicts, each with rules and words."""
    assert conflicts, "an infeasible result with no conflict"
    for conflict in conflicts:
        assert conflict.rules, conflict
        assert all(rule.strip() for rule in conflict.rules), conflict
        assert conflict.message.strip(), conflict


@pytest.fixture(scope="module")
def too_few_slots() -> Scenario:
    """Strict recipes asking for 5 sessions a week from a week with 3 open slots (H07)."""
    data: dict[str, Any] = {
        **BASE_SCENARIO,
        "availability": {"tue": {"pm": 60}, "thu": {"pm": 60}, "sat": {"am": 120}},
        "rules": {"recipes": "strict", "sessions_per_week": [5, 6]},
    }
    return Scenario.model_validate(data)


def test_solve_of_an_infeasible_scenario_says_which_rules(too_few_slots: Scenario) -> None:
    plan = solve(too_few_slots, OPTIONS)

    assert plan.status is Status.INFEASIBLE
    assert_explained(plan.conflicts)
    assert "H07" in plan.conflicts[0].rules


def test_explain_of_an_infeasible_scenario_says_which_rules(too_few_slots: Scenario) -> None:
    explanation = explain(too_few_slots, time_limit_s=10)

    assert explanation is not None
    assert_explained(explanation.conflicts)
    assert all(line.strip() for line in explanation.lines())


def test_an_explanation_cannot_be_built_empty() -> None:
    with pytest.raises(ValueError, match="at least one conflict"):
        Explanation((), (), None, True, 0.0)
    with pytest.raises(ValueError, match="at least one conflict"):
        Explanation((), (Conflict(rules=(), message=""),), None, True, 0.0)
    with pytest.raises(ValueError, match="at least one conflict"):
        Explanation((), (Conflict(rules=("H07",), message="  "),), None, True, 0.0)


def test_facts_alone_infeasible_shrink_to_no_member(too_few_slots: Scenario) -> None:
    # A contradiction no guard switches off stands for the unguarded part of a model that
    # cannot hold (issue 16: two long runs logged in one week overflowed H14's unguarded
    # long-minutes variable). Deletion then drops every rule: the set is empty, and says
    # so, instead of being passed off as the rules' conflict.
    built = build_model(too_few_slots, GuardMode.EXPLAIN)
    fact = built.model.new_bool_var("a_fact_that_cannot_hold")
    built.model.add(fact == 1)
    built.model.add(fact == 0)
    deadline = time.perf_counter() + 10

    assert shrink(Feasibility(too_few_slots, deadline, built), deadline) == ((), True)


def test_an_explanation_of_facts_names_the_log_in_a_replan(
    too_few_slots: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explain_module, "minimal_conflict", lambda *_a, **_k: ((), True))
    nothing_logged = History(today=9, sessions={})  # today: Wednesday of week 2
    one_run = History(today=9, sessions={(1, Slot.PM): (EASY_RUN, 40)})  # Tuesday, week 1

    plain = explain(too_few_slots)
    replanned = explain(too_few_slots, history=one_run)

    assert plain is not None
    assert replanned is not None
    assert_explained(plain.conflicts)
    assert_explained(replanned.conflicts)
    assert plain.conflicts[0].rules == ("H01", "H02", "H19")
    assert "every rule switched off" in plain.conflicts[0].message
    (conflict,) = replanned.conflicts
    assert conflict.rules == ("H20",)
    assert conflict.week == 1
    assert conflict.message.startswith("week 1: no plan keeps the days logged before 2027-01-13")
    assert facts_conflict(too_few_slots, nothing_logged).rules == ("H01", "H02", "H19")


def test_no_set_shown_in_time_still_names_the_rules_in_force(
    too_few_slots: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explain_module, "explain", lambda *_a, **_k: None)

    conflicts = infeasible_conflicts(too_few_slots, time_limit_s=2)
    in_a_replan = infeasible_conflicts(
        too_few_slots, time_limit_s=2, history=History(today=7, sessions={})
    )

    assert_explained(conflicts)
    (conflict,) = conflicts
    assert {"H04", "H07", "H09"} <= set(conflict.rules)  # safety rules and strict recipes
    assert conflict.week is None
    assert conflict.message.startswith("weeks 1-2: no plan keeps every rule in force (")
    assert "within 2 s" in conflict.message
    (later,) = in_a_replan
    assert later.week == 2
    assert later.message.startswith("week 2: ")


def test_infeasible_conflicts_are_explain_s_when_it_finds_a_set(too_few_slots: Scenario) -> None:
    explanation = explain(too_few_slots, time_limit_s=10)

    assert explanation is not None
    assert infeasible_conflicts(too_few_slots, time_limit_s=10) == explanation.conflicts


@pytest.mark.parametrize(
    ("rule", "recipe", "phases", "words"),
    [
        ("H17", False, ["peak", "taper"], "minutes per day fall from one taper week"),
        ("H05", True, ["peak", "peak"], "a simulation session counts in a peak week"),
    ],
)
def test_a_rules_words_name_what_binds(
    rule: str, recipe: bool, phases: list[str], words: str
) -> None:
    """The words of a conflict member say what the rule holds in that week: H17 its
    falling volume beside the cap (a race week's shortfall once named only the cap), H05's
    recipe in a peak week that a simulation session counts; in a build week it does not
    say so."""
    scenario = Scenario.model_validate({**BASE_SCENARIO, "weeks": 2, "phases": phases})
    conflict = explain_module.conflict_of(scenario, GuardKey(rule, 2, recipe=recipe))
    assert conflict.rules == (rule,)
    assert words in conflict.message
    if rule == "H05":
        build = Scenario.model_validate({**BASE_SCENARIO, "weeks": 2, "phases": ["build"] * 2})
        other = explain_module.conflict_of(build, GuardKey(rule, 2, recipe=True))
        assert "simulation" not in other.message
