"""A constructive first plan: week by week, each step a small CP-SAT model.

Step w plans week w alone, with every earlier week fixed to what the previous steps chose
and every later week empty (pins aside). It minimises recipe misses first (by weight)
and the soft terms second. Because each step uses the very same rule functions as the
full model, the result satisfies every hard rule when each step succeeds; it is then the
solution hint of the full solve (see `periodize.solve`). An empty future is always
allowed by the safety rules, so a step fails only where pins or strict recipes force it; a
step that finds nothing within its time (rather than proving its week infeasible) leaves
its week empty, so that a loaded machine still gets a complete first plan.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from periodize.model.build import BuiltModel, build_model
from periodize.model.objective import SCALE
from periodize.model.run import Interrupt, new_solver, run_search
from periodize.model.variables import History, Sessions
from periodize.scenario import Scenario
from periodize.vocabulary import RecipeMode

STEP_GAP_POINTS = 20
"""Each step stops within 20 points of its optimum (an absolute gap: the objective also
holds the constant terms of the empty future); the full solve polishes what is left."""
CONSTRUCTION_TERMS = ("S2", "S4", "S5", "S6")
"""Soft terms each construction step weighs besides recipe misses."""
RETRIES = 2
"""A step that finds nothing in its time tries again with twice, then four times, as much."""
MISS_POINTS = 10_000
"""Points a recipe miss weighs in a step: more than any one week's soft terms."""


def chosen_sessions(
    built: BuiltModel, solver: cp_model.CpSolver, weeks: set[int] | None = None
) -> Sessions:
    """The sessions a solved model holds (in ``weeks``, if given), by (day, slot)."""
    found: Sessions = {}
    for c in built.ctx.candidates:
        if weeks is not None and c.day // 7 + 1 not in weeks:
            continue
        if solver.boolean_value(c.chosen):
            found[(c.day, c.slot)] = (c.kind, int(solver.value(c.minutes)))
    return found


def _hint_last_week(built: BuiltModel, fixed: Sessions, week: int) -> None:
    """Hint the week with a copy of the week before: a repeated week keeps most rules
    (no new load, no new lever) and is a far better start than an empty one. In a re-plan
    the previous plan's week is the hint: S5 wants it kept."""
    grid = built.ctx.rules.grid_minutes
    previous = built.ctx.previous
    for c in built.ctx.candidates:
        if c.day // 7 + 1 != week or c.pinned or (c.day, c.slot) in fixed:
            continue
        if previous is not None:
            before = previous.get((c.day, c.slot))
        else:
            before = fixed.get((c.day - 7, c.slot))
        chosen = before is not None and before[0].id == c.kind.id
        built.model.add_hint(c.chosen, chosen)
        if c.units is not None:
            minutes = before[1] if before is not None and chosen else 0
            built.model.add_hint(c.units, min(minutes, c.max_minutes) // grid)


def rolling_plan(
    scenario: Scenario,
    *,
    step_time_s: float,
    workers: int,
    seed: int,
    deterministic: bool,
    interrupt: Interrupt | None = None,
    history: History | None = None,
    previous: Sessions | None = None,
    budget_s: float | None = None,
) -> tuple[Sessions | None, float]:
    """Plan week after week (in a re-plan, the weeks from today's on). Returns the
    sessions (None when a step finds no plan within its time) and the deterministic time
    the steps used. With ``budget_s``, it gives up (None) once its steps have used that
    much time (deterministic time in deterministic mode, else wall time)."""
    fixed: Sessions = dict(history.sessions) if history is not None else {}
    past = history.past_weeks(scenario.calendar) if history is not None else frozenset()
    spent = 0.0
    interrupt = interrupt or Interrupt()
    pinned_weeks = {scenario.week_of(pin.date).index for pin in scenario.pinned}
    started = time.perf_counter()
    for week in scenario.calendar:
        if week.index in past:
            continue
        used = spent if deterministic else time.perf_counter() - started
        if budget_s is not None and used > budget_s:
            return None, spent
        window = {week.index}
        # A later pinned week stays plannable: a pin alone may break a weekly rule (H13's
        # share, say) that the sessions around it will satisfy.
        # Weeks up to the last later pin are plannable too: a pin needs the weeks before it
        # to carry load (H09, H12) and its own week to dilute it (H13).
        last_pin = max((w for w in pinned_weeks if w > week.index), default=week.index)
        planned = set(range(7 * (week.index - 1), min(7 * last_pin, scenario.horizon_days)))
        built = build_model(
            scenario, fixed=fixed, planned_days=planned, history=history, previous=previous
        )
        # Recipes first, then the load and minutes trajectory and the long session's growth
        # (S6): the systems balance and variety are left to the full solve (they make each
        # step slow and matter less for a start).
        trajectory = [t.expression for t in built.terms if t.rule in CONSTRUCTION_TERMS]
        built.model.minimize(
            SCALE * MISS_POINTS * built.recipe_misses + cp_model.LinearExpr.sum(trajectory)
        )
        _hint_last_week(built, fixed, week.index)
        for attempt in range(RETRIES + 1):
            solver = new_solver()
            params = solver.parameters
            params.num_workers = 1 if deterministic else workers
            params.random_seed = seed
            params.absolute_gap_limit = STEP_GAP_POINTS * SCALE
            limit = step_time_s * 2**attempt
            if deterministic:
                params.max_deterministic_time = limit
            else:
                params.max_time_in_seconds = limit
            status = run_search(solver, built.model, interrupt)
            if interrupt.requested:  # the search may never have started: nothing to read
                return None, spent
            spent += solver.deterministic_time
            if status != cp_model.UNKNOWN:
                break
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            fixed.update(chosen_sessions(built, solver, window))
        elif status == cp_model.INFEASIBLE or not _may_stay_empty(scenario, week.index):
            return None, spent
        # Else the step found nothing in its time (a loaded machine, a slow week): the week
        # stays empty, which every safety rule allows without pins or strict recipes, so
        # the first plan is still complete and the full solve fills the week.
    return fixed, spent


def _may_stay_empty(scenario: Scenario, week: int) -> bool:
    """Whether a week may be left without sessions in a first plan: the recipes are soft
    and no pin lies in it or after it (an empty week keeps every safety rule, but a later
    pin may need the load it would have carried: H09, H12)."""
    if scenario.resolved_rules.recipes is RecipeMode.STRICT:
        return False
    return all(scenario.week_of(pin.date).index < week for pin in scenario.pinned)
