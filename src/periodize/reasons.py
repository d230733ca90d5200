"""Why a recipe was missed, confirmed by the solver (rules.md, "What an explanation must
say").

A missed recipe that the week's calendar alone rules out is explained by that fact
(`periodize.shortfalls.calendar_fact`). Any other miss is checked by a one-week solve:
the rest of the plan fixed as it is, the week free, every safety rule in force and the
recipe forced. When that cannot hold, a minimal set of the rules that held the recipe out
is named; when it can, every recipe the plan meets is forced too (this week's, and the
cross-week ones such as H11's recovery floor of the next week), and those that compete
with it are named; when even that holds (or the check runs out of time), the true reason
is that no plan meeting the recipe was found within the time limit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from periodize.calendar import Week
from periodize.explain import Feasibility, conflict_of, shrink
from periodize.model.build import build_model
from periodize.model.guards import GuardKey, GuardMode
from periodize.model.variables import History, Sessions
from periodize.scenario import Scenario
from periodize.shortfalls import NOT_FOUND, Reason

CHECK_BUDGET_S = 10.0
"""Wall time all the checks of one plan may take together (past it: `NOT_FOUND`)."""
DETERMINISTIC_CHECK_S = 1.0
"""Deterministic time one check may take in a deterministic solve."""
CHECKED = "checked by a solve of the week with the rest of the plan fixed"


def solver_reason(
    scenario: Scenario,
    sessions: Sessions,
    *,
    missed: Sequence[tuple[str, int]],
    history: History | None = None,
    budget_s: float = CHECK_BUDGET_S,
    deterministic: bool = False,
) -> Reason:
    """A `Reason` that confirms each miss by a one-week solve around the plan's
    ``sessions`` (see the module docstring). ``missed`` lists the plan's (rule, week)
    misses, so that the recipes the plan meets can be forced too.
    In a deterministic solve each check has a deterministic time limit and there is no
    wall-time budget, so the reasons do not depend on the machine's speed."""
    deadline = time.perf_counter() + (budget_s if not deterministic else 10 * 24 * 3600.0)
    missed_set = set(missed)
    limit = DETERMINISTIC_CHECK_S if deterministic else None

    def reason(rule: str, week: Week) -> str:
        if time.perf_counter() >= deadline:
            return NOT_FOUND
        days = set(week.day_indices)
        if history is not None:
            days = {d for d in days if d >= history.today}
        fixed = {slot: value for slot, value in sessions.items() if slot[0] not in days}
        built = build_model(
            scenario, GuardMode.EXPLAIN, fixed=fixed, planned_days=days, history=history
        )
        key = GuardKey(rule, week.index, recipe=True)
        recipes = built.ctx.guards.recipe
        if key not in recipes:
            return NOT_FOUND
        alone = Feasibility(scenario, deadline, built=built, deterministic_s=limit)
        alone.guards[key] = recipes[key]
        found = shrink(alone, deadline)
        if found is not None:
            return _named("the other rules held it out", scenario, found[0], key)
        status, _ = alone.check(list(alone.guards), whole=True)
        if status not in (cp_model.FEASIBLE, cp_model.OPTIMAL):
            return NOT_FOUND
        together = Feasibility(scenario, deadline, built=built, deterministic_s=limit)
        for other, literal in recipes.items():
            if (other.rule, other.week) not in missed_set:
                together.guards[other] = literal
        together.guards[key] = recipes[key]
        found = shrink(together, deadline)
        if found is not None:
            return _named("meeting it would cost", scenario, found[0], key)
        return NOT_FOUND

    return reason


def _named(lead: str, scenario: Scenario, members: Sequence[GuardKey], key: GuardKey) -> str:
    """``lead`` and the rules of ``members`` (the forced recipe left out) in words."""
    others = [member for member in members if member != key]
    if not others:
        return NOT_FOUND
    texts = [conflict_of(scenario, member, with_facts=False).message for member in others]
    return f"{lead}: {'; '.join(texts)} ({CHECKED})"
