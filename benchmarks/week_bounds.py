"""Weekly decomposition bounds: how far below the optimum does the full model's bound sit?

    python -m benchmarks.week_bounds [--week-time S] [--workers N] [--recipes] GLOB ...

For each week of each instance, a small model holds that week's candidates only, with the
rules whose constraints stay inside one week switched on for it (`LOCAL_SAFETY`, H15 when
bands are measured per week, and with ``--recipes`` the week's recipes `LOCAL_RECIPES`)
and every rule that reaches across weeks switched off (progression and acute:chronic
caps, the longest-session growth, taper against peak, phase-wide bands). It minimises the
week's part of the objective (`Term.parts`). Every full plan restricted to the week is a
plan of that small model, so the weekly optima (or their proven bounds) add up to a lower
bound of the full objective: with ``--recipes`` for plans that keep every recipe (no S0
miss). The weekly plans put together are also checked against every rule: where they pass,
they are an optimal plan.

This is an experiment, not part of `solve` (see "What was tried" in RESULTS.md): it prints
the weekly figures, their sum and the checker's verdict on the composed plan.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from benchmarks.__main__ import instance_paths
from periodize import check, load_scenario
from periodize.heuristic import Sessions, plan_from_sessions
from periodize.model.build import build_model
from periodize.model.guards import GuardMode
from periodize.model.objective import SCALE
from periodize.model.rolling import chosen_sessions
from periodize.scenario import Scenario
from periodize.vocabulary import Phase, RaceKind, RatioScope

LOCAL_SAFETY = frozenset({"H03", "H04", "H05", "H06", "H07", "H13", "H18", "H20"})
"""Safety rules whose constraints never reach past their week. (H06 and H18 may name the
next or previous week's days, which the week's model leaves empty, so they bind only
inside it. H14 is not here: its guard also holds the growth of the longest session over
earlier weeks.)"""
LOCAL_RECIPES = frozenset({"H05", "H07", "H08", "H14", "H16"})
"""Recipes whose constraints stay inside their week (H11 and H17 compare with other weeks;
H16 is left off in the peak weeks of a trail race, whose simulation may fall in any of
them)."""


@dataclass(frozen=True)
class WeekBound:
    week: int
    status: str
    objective: float | None
    bound: float
    seconds: float


def week_bound(
    scenario: Scenario, week_index: int, *, seconds: float, workers: int, recipes: bool
) -> tuple[WeekBound, Sessions]:
    """The least objective (points) of week ``week_index`` alone, and the week's sessions."""
    started = time.perf_counter()
    week = scenario.calendar[week_index - 1]
    built = build_model(scenario, GuardMode.EXPLAIN, planned_days=set(week.day_indices))
    model, ctx = built.model, built.ctx
    local = set(LOCAL_SAFETY)
    if ctx.rules.ratio_scope is RatioScope.WEEK:
        local.add("H15")
    for key, literal in ctx.guards.safety.items():
        model.add(literal == int(key.rule in local and key.week == week.index))
    race = scenario.race
    trail_peak = week.phase is Phase.PEAK and race is not None and race.kind is RaceKind.TRAIL
    for key, literal in ctx.guards.recipe.items():
        on = recipes and key.rule in LOCAL_RECIPES and key.week == week.index
        on = on and not (key.rule == "H16" and trail_peak)
        model.add(literal == int(on))
    model.minimize(
        cp_model.LinearExpr.sum(
            [built.weights[term.rule] * term.parts.get(week.index, 0) for term in built.terms]
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    bound = WeekBound(
        week=week.index,
        status=solver.status_name(status).lower(),
        objective=solver.objective_value / SCALE if found else None,
        bound=solver.best_objective_bound / SCALE if found or status == cp_model.UNKNOWN else 0,
        seconds=time.perf_counter() - started,
    )
    return bound, chosen_sessions(built, solver, {week.index}) if found else {}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.week_bounds",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--week-time", type=float, default=5.0, help="seconds per week")
    parser.add_argument("--workers", type=int, default=8, help="CP-SAT workers per week")
    parser.add_argument(
        "--recipes", action="store_true", help="keep each week's own recipes (no-miss plans)"
    )
    parser.add_argument("globs", nargs="+", metavar="GLOB")
    args = parser.parse_args(argv)
    for path in instance_paths(args.globs):
        scenario = load_scenario(path)
        print(f"## {path.stem}")
        print("week | status | objective | bound | seconds")
        total, composed = 0.0, Sessions()
        for week in scenario.calendar:
            bound, sessions = week_bound(
                scenario,
                week.index,
                seconds=args.week_time,
                workers=args.workers,
                recipes=args.recipes,
            )
            total += bound.bound
            composed.update(sessions)
            objective = "" if bound.objective is None else f"{bound.objective:.1f}"
            print(
                f"{bound.week} | {bound.status} | {objective} | {bound.bound:.1f} | "
                f"{bound.seconds:.2f}"
            )
        violations = check(scenario, plan_from_sessions(scenario, composed))
        rules = sorted({v.rule for v in violations})
        print(f"sum of weekly bounds: {total:.1f} points")
        print(f"composed plan: {len(violations)} violations {' '.join(rules)}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
