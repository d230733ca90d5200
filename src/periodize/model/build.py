"""Wiring: variables, every rule, the soft terms and the objective of one scenario."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from periodize.model import recipes, safety
from periodize.model.guards import GuardMode, Guards
from periodize.model.objective import SCALE, Term, soft_terms
from periodize.model.past import split_week
from periodize.model.variables import Expr, History, ModelContext, Sessions, make_variables
from periodize.scenario import Scenario
from periodize.shortfalls import h15_waivers


@dataclass
class BuiltModel:
    """A CP-SAT model of a scenario, with the handles needed to solve and read it back."""

    ctx: ModelContext
    terms: list[Term]
    weights: dict[str, int]
    recipe_misses: Expr
    """S0: the recipe guards left false, after (weighing more than all of them) a re-plan's
    split-week shares waived rather than repaired."""
    objective: Expr
    waivers: dict[int, str]
    build_time_s: float

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model


def build_model(
    scenario: Scenario,
    mode: GuardMode = GuardMode.SOLVE,
    *,
    fixed: Sessions | None = None,
    planned_days: set[int] | None = None,
    history: History | None = None,
    previous: Sessions | None = None,
) -> BuiltModel:
    """Build the CP-SAT model of ``scenario``: every hard rule under its guards, recipes as
    S0 or hard per ``recipes:``, and the weighted soft terms S1-S4 and S6.

    ``fixed`` and ``planned_days`` restrict the model (for the rolling construction and
    for explaining a day): sessions already decided, and the days free to plan (the others
    hold their fixed sessions and pins, nothing else).

    ``history`` and ``previous`` make it a re-plan: the past is fixed to what was done and
    its weeks' rules are off, and S5 counts the future sessions that differ from
    ``previous`` (the previous plan from today on).
    """
    started = time.perf_counter()
    model = cp_model.CpModel()
    rules = scenario.resolved_rules
    fixed = dict(fixed or {})
    if history is not None:
        fixed = {**history.sessions, **fixed}
        future = set(range(history.today, scenario.horizon_days))
        planned_days = future if planned_days is None else planned_days & future
    split = split_week(scenario.calendar, history.today, history.sessions) if history else None
    ctx = ModelContext(
        model=model,
        scenario=scenario,
        rules=rules,
        calendar=scenario.calendar,
        dates=scenario.dates,
        guards=Guards(
            model,
            mode,
            rules.recipes,
            past_weeks=history.past_weeks(scenario.calendar) if history else frozenset(),
            split_week=split.week.index if split is not None else None,
        ),
        split=split,
        fixed=fixed,
        planned_days=planned_days,
        history=history,
        previous=previous,
    )
    make_variables(ctx)
    waivers = h15_waivers(scenario)

    safety.h03_one_session_per_slot(ctx)
    safety.h04_rest_days(ctx)
    safety.h05_hard_sessions(ctx)
    safety.h06_no_back_to_back(ctx)
    safety.h07_sessions_cap(ctx)
    safety.h09_progression_cap(ctx)
    safety.h10_one_lever(ctx)
    safety.h11_recovery_cap(ctx)
    safety.h12_acute_chronic(ctx)
    safety.h13_intensity_share(ctx)
    safety.h14_long_sessions(ctx)
    safety.h15_terrain_ratio(ctx, set(waivers))
    taper_reference = safety.pre_taper_peak_minutes(ctx)
    safety.h17_taper_cap(ctx, taper_reference)
    safety.h18_race(ctx)
    safety.h20_pins(ctx)
    safety.h21_specificity(ctx)

    recipes.h05_hard_minimum(ctx)
    recipes.h07_sessions_minimum(ctx)
    recipes.h08_hikes(ctx)
    recipes.h11_recovery_minimum(ctx)
    recipes.h14_long_session(ctx)
    recipes.h16_phase_recipes(ctx)
    recipes.h17_taper_minimum(ctx, taper_reference)
    recipes.h22_strength(ctx)

    # S0, preceded by the split week's waived shares: each weighs more than every recipe
    # together, so the solve repairs a share the log broke whenever the future can.
    waived_points = len(ctx.guards.recipe) + 1
    recipe_misses: Expr = sum(1 - guard for guard in ctx.guards.recipe.values()) + sum(
        waived_points * (1 - held) for held in ctx.held
    )
    terms = soft_terms(ctx)
    weights = scenario.objective.model_dump()
    objective: Expr = sum(weights[term.name] * term.expression for term in terms)
    return BuiltModel(
        ctx=ctx,
        terms=terms,
        weights={term.rule: weights[term.name] for term in terms},
        recipe_misses=recipe_misses,
        objective=objective,
        waivers=waivers,
        build_time_s=time.perf_counter() - started,
    )


def clear_hints(model: cp_model.CpModel) -> None:
    """Remove every solution hint of ``model``."""
    model.clear_hints()  # type: ignore[no-untyped-call]


__all__ = ["SCALE", "BuiltModel", "build_model", "clear_hints"]
