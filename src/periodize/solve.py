"""`solve()`: scenario in, plan out.

Solving is staged. First come two complete plans: the greedy heuristic's (when the model
accepts it) and the week-by-week construction's (`model.rolling`); the better is the hint
of what follows and the plan returned if nothing better is found in time. Under soft
recipes the first stage then minimises S0, the number of recipe (rule, week) pairs
missed; the second fixes S0 at the best value found and minimises the weighted soft terms
S1-S4 (and S5 in a re-plan), hinted with the first stage's plan. The plan's status is
optimal only when both stages proved optimality; its gap is the second stage's.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from periodize.catalogue import RACE_KIND
from periodize.heuristic import greedy_sessions
from periodize.model.build import BuiltModel, build_model, clear_hints
from periodize.model.objective import SCALE
from periodize.model.rolling import chosen_sessions, rolling_plan
from periodize.model.run import Interrupt, catching_sigint, new_solver, run_search
from periodize.model.variables import History, Sessions
from periodize.plan import (
    Conflict,
    Day,
    Plan,
    Session,
    Shortfall,
    ShortfallType,
    Stats,
    Status,
    summarise_week,
)
from periodize.scenario import Scenario
from periodize.shortfalls import find_shortfalls, missed_recipes
from periodize.vocabulary import Slot, Weekday

CONSTRUCTION_SHARE = 0.4
"""Share of the time limit the week-by-week construction may use (`model.rolling`)."""
STEP_TIME_S = (0.25, 1.0)
"""Bounds on one construction step's time limit."""
COMPLETION_TIME_S = 5.0
"""Deterministic time allowed to complete the constructed plan into a full hint."""
EXPLAIN_TIME_S = 10.0
"""At least this long goes to explaining an infeasible scenario."""
MIN_STAGE_TIME_S = 0.5
"""Every stage gets at least this long, even past the limit, so a plan can be read."""
STAGE_ONE_SHARE = 0.3
"""Share of the remaining time the recipe stage may use."""
RECIPE_POINTS = 10**9
"""Weight of a recipe miss against the objective when a fixed plan is evaluated."""
GREEDY_FIRST = True
"""Also start from the greedy heuristic's plan when the model accepts it (False: the
week-by-week construction alone; benchmarks/RESULTS.md compares the two)."""
TWO_WORKER_SUBSOLVERS: tuple[str, ...] = ("max_lp", "default_lp")
"""CP-SAT's workers when a stage runs on two (empty: CP-SAT's own choice). Its default pair
has no worker with the full linear relaxation (``max_lp``, linearization level 2), which
is where this model's lower bound comes from: on the benchmark instances tried it
raised the bound by 26-211 % and lowered the gap on every one (benchmarks/RESULTS.md).
With three workers or more CP-SAT's portfolio includes ``max_lp`` of its own."""


@dataclass(frozen=True)
class Progress:
    """A progress report during a solve: stage, elapsed time, best objective and bound."""

    stage: str
    elapsed_s: float
    objective: float
    bound: float

    @property
    def gap(self) -> float | None:
        if self.objective == 0:
            return 0.0 if self.bound == 0 else None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


ProgressHook = Callable[[Progress], None]


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings. ``deterministic`` uses one worker and a deterministic time limit,
    so that the same input gives the same plan, byte for byte."""

    time_limit_s: float = 30.0
    workers: int | None = None
    seed: int = 1
    relative_gap: float = 0.0
    deterministic: bool = False

    @property
    def worker_count(self) -> int:
        if self.deterministic:
            return 1
        return self.workers if self.workers is not None else max(1, os.cpu_count() or 1)


class _Clock:
    """What is left of the time limit: wall time, or deterministic time in deterministic
    mode (so that a deterministic solve does not depend on the machine's speed)."""

    def __init__(self, options: SolveOptions) -> None:
        self._deterministic = options.deterministic
        self._limit = options.time_limit_s
        self._started = time.perf_counter()
        self._spent_deterministic = 0.0

    def spend_deterministic(self, seconds: float) -> None:
        self._spent_deterministic += seconds

    def left(self) -> float:
        if self._deterministic:
            spent = self._spent_deterministic
        else:
            spent = time.perf_counter() - self._started
        return max(MIN_STAGE_TIME_S, self._limit - spent)


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, stage: str, started: float, hook: ProgressHook | None) -> None:
        super().__init__()
        self._stage, self._started, self._hook = stage, started, hook

    def on_solution_callback(self) -> None:
        if self._hook is not None:
            self._hook(
                Progress(
                    self._stage,
                    time.perf_counter() - self._started,
                    self.objective_value / (SCALE if self._stage == "objective" else 1),
                    self.best_objective_bound / (SCALE if self._stage == "objective" else 1),
                )
            )


def _parameters(options: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = new_solver()
    params = solver.parameters
    params.num_workers = options.worker_count
    params.random_seed = options.seed
    params.relative_gap_limit = options.relative_gap
    if params.num_workers == 2 and TWO_WORKER_SUBSOLVERS:
        params.subsolvers.extend(TWO_WORKER_SUBSOLVERS)
    if options.deterministic:
        params.max_deterministic_time = max(0.01, time_limit)
    else:
        params.max_time_in_seconds = max(0.01, time_limit)
    return solver


def _hint(built: BuiltModel, sessions: Sessions) -> None:
    """Hint every candidate's choice and duration from ``sessions`` (by day and slot)."""
    model, grid = built.model, built.ctx.rules.grid_minutes
    clear_hints(model)
    for candidate in built.ctx.candidates:
        planned = sessions.get((candidate.day, candidate.slot))
        chosen = planned is not None and planned[0].id == candidate.kind.id
        model.add_hint(candidate.chosen, chosen)
        units = candidate.units
        if units is not None:
            model.add_hint(units, planned[1] // grid if chosen and planned else 0)


def _complete_hint(
    built: BuiltModel, sessions: Sessions, started: float, progress: ProgressHook | None
) -> tuple[cp_model.CpSolver | None, float]:
    """Hint every variable of the model from ``sessions``: fix a copy of the model to them,
    let propagation complete the assignment, and hint all of it (CP-SAT starts at once
    from a complete, feasible hint; an incomplete one costs it seconds to repair). The
    completed plan is the first complete plan of the solve: it is reported to ``progress``
    as stage ``construction`` with its objective (bound 0: nothing is proven yet).
    Returns the solver that holds the completed plan (None when completion failed; the copy
    keeps the model's variable indices, so it reads the model's expressions) and the
    deterministic time spent."""
    _hint(built, sessions)
    fixed = built.model.clone()
    for var_index, value in zip(
        fixed.proto.solution_hint.vars, fixed.proto.solution_hint.values, strict=True
    ):
        variable = fixed.get_int_var_from_proto_index(var_index)
        fixed.add(variable == value)
    clear_hints(fixed)
    # With the sessions fixed, what is left are the recipe guards and the soft terms'
    # auxiliary variables: minimise them, so that the hint holds the sessions' true misses
    # and objective (a bare feasibility solve leaves guards false and deviations inflated,
    # and the stages would start from a far worse point than the plan is).
    fixed.minimize(RECIPE_POINTS * built.recipe_misses + built.objective)
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = COMPLETION_TIME_S
    status = solver.solve(fixed)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        model = built.model
        clear_hints(model)
        for index in range(len(model.proto.variables)):
            variable = model.get_int_var_from_proto_index(index)
            model.add_hint(variable, solver.value(variable))
        if progress is not None:
            elapsed = time.perf_counter() - started
            progress(Progress("construction", elapsed, solver.value(built.objective) / SCALE, 0))
        return solver, solver.deterministic_time
    return None, solver.deterministic_time


def _construct(
    scenario: Scenario,
    options: SolveOptions,
    interrupt: Interrupt,
    replan: Replan | None,
    budget_s: float | None,
) -> tuple[Sessions | None, float]:
    weeks = len(scenario.calendar)
    low, high = STEP_TIME_S
    step = min(high, max(low, CONSTRUCTION_SHARE * options.time_limit_s / weeks))
    return rolling_plan(
        scenario,
        step_time_s=step,
        workers=options.worker_count,
        seed=options.seed,
        deterministic=options.deterministic,
        interrupt=interrupt,
        history=replan.history if replan else None,
        previous=replan.previous if replan else None,
        budget_s=budget_s,
    )


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    *,
    progress: ProgressHook | None = None,
) -> Plan:
    """Solve ``scenario`` into a `Plan` that holds every hard rule and optimises the soft
    terms; an infeasible scenario gives a plan with status ``infeasible`` and no days."""
    options = options or SolveOptions()
    with catching_sigint(Interrupt()) as interrupt:
        return _solve(scenario, options, progress, interrupt)


@dataclass(frozen=True)
class Replan:
    """What makes a solve a re-plan (see `periodize.replan`): the past as it was done, and
    the previous plan from today on (for S5)."""

    history: History
    previous: Sessions


def _solve(
    scenario: Scenario,
    options: SolveOptions,
    progress: ProgressHook | None,
    interrupt: Interrupt,
    replan: Replan | None = None,
) -> Plan:
    started = time.perf_counter()
    clock = _Clock(options)
    built = build_model(
        scenario,
        history=replan.history if replan else None,
        previous=replan.previous if replan else None,
    )
    model = built.model
    proven = True
    # The best plan so far, returned when a later stage finds nothing in its time or the
    # user interrupts: the first complete plan, then the recipe stage's plan. Two starts
    # compete: the greedy heuristic's plan, when the model accepts it (a first plan in
    # milliseconds; a re-plan skips it, the heuristic knows nothing of the past), and the
    # week-by-week construction's (seconds); the better, by recipe misses and then the
    # objective, is the hint of the stages.
    starts: list[cp_model.CpSolver] = []
    if replan is None and GREEDY_FIRST:
        greedy, completion_time = _complete_hint(
            built, greedy_sessions(scenario), started, progress
        )
        clock.spend_deterministic(completion_time)
        starts += [greedy] if greedy is not None else []
    # With a greedy plan in hand the construction keeps to its share of the time limit
    # (else it runs to the end: a first plan matters more than the limit).
    budget = CONSTRUCTION_SHARE * options.time_limit_s if starts else None
    constructed, construction_time = _construct(scenario, options, interrupt, replan, budget)
    clock.spend_deterministic(construction_time)
    if constructed is not None:
        rolled, completion_time = _complete_hint(built, constructed, started, progress)
        clock.spend_deterministic(completion_time)
        starts += [rolled] if rolled is not None else []
    fallback = min(
        starts,
        key=lambda start: (start.value(built.recipe_misses), start.value(built.objective)),
        default=None,
    )
    if fallback is not None and fallback is not starts[-1]:
        _hint_solution(built, fallback)
    if fallback is None and not interrupt.requested:
        # Neither start gave a plan (a pin far ahead that the empty weeks before it cannot
        # carry, say): search the full model for any plan first, with all the time left,
        # so that the stages below start from one instead of sharing the time unhinted.
        fallback = _first_plan(scenario, built, options, clock, interrupt, started, progress)

    if (built.ctx.guards.recipe or built.ctx.held) and not interrupt.requested:
        model.minimize(built.recipe_misses)
        solver = _parameters(options, clock.left() * STAGE_ONE_SHARE)
        status = run_search(solver, model, interrupt, _Reporter("recipes", started, progress))
        if not interrupt.requested:  # else the search may never have started: no time to read
            clock.spend_deterministic(solver.deterministic_time)
        if status == cp_model.INFEASIBLE:
            return _no_plan(scenario, built, Status.INFEASIBLE, options, started)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            proven = status == cp_model.OPTIMAL
            model.add(built.recipe_misses <= round(solver.objective_value))
            # The recipe plan with its soft terms' auxiliaries at their least: the hint
            # of the objective stage (the stage itself left them anywhere).
            settled, settle_time = _complete_hint(built, chosen_sessions(built, solver), 0, None)
            clock.spend_deterministic(settle_time)
            fallback = settled or solver
            if settled is None:
                _hint_solution(built, solver)
        else:
            # No recipe plan found in time: the objective stage keeps the first plan's
            # misses as a ceiling (S0 comes first), or goes on without one.
            proven = False
            if fallback is not None:
                model.add(built.recipe_misses <= round(fallback.value(built.recipe_misses)))
    if interrupt.requested and fallback is not None:
        return _read_plan(
            scenario, built, fallback, False, _unbounded(built, fallback), options, started
        )

    model.minimize(built.objective)
    # Leave the time the shortfall reasons' checks take inside the limit when the plan
    # will miss recipes (known once the recipe stage has found its plan).
    misses = round(fallback.value(built.recipe_misses)) if fallback is not None else 0
    reserve = reason_budget(options) if misses > 0 and not options.deterministic else 0.0
    solver = _parameters(options, max(MIN_STAGE_TIME_S, clock.left() - reserve))
    status = run_search(solver, model, interrupt, _Reporter("objective", started, progress))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        proven = proven and status == cp_model.OPTIMAL
        result: tuple[float, float | None] = (
            solver.objective_value,
            solver.best_objective_bound,
        )
        return _read_plan(scenario, built, solver, proven, result, options, started)
    if status == cp_model.INFEASIBLE:
        return _no_plan(scenario, built, Status.INFEASIBLE, options, started)
    if fallback is not None:
        return _read_plan(
            scenario, built, fallback, False, _unbounded(built, fallback), options, started
        )
    return _no_plan(scenario, built, Status.UNKNOWN, options, started)


def _first_plan(
    scenario: Scenario,
    built: BuiltModel,
    options: SolveOptions,
    clock: _Clock,
    interrupt: Interrupt,
    started: float,
    progress: ProgressHook | None,
) -> cp_model.CpSolver | None:
    """Any complete plan of the full model (fewest recipe misses as the objective, stopped
    at its first solution), completed and hinted; None when none is found in time."""
    model = built.model
    model.minimize(built.recipe_misses)
    solver = _parameters(options, clock.left())
    solver.parameters.stop_after_first_solution = True
    status = run_search(solver, model, interrupt, _Reporter("first plan", started, progress))
    clock.spend_deterministic(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    settled, settle_time = _complete_hint(built, chosen_sessions(built, solver), started, None)
    clock.spend_deterministic(settle_time)
    if settled is None:
        _hint_solution(built, solver)
    return settled or solver


def _unbounded(built: BuiltModel, solver: cp_model.CpSolver) -> tuple[float, float | None]:
    """The objective of a fallback solution (construction or recipe stage), no bound known."""
    return float(solver.value(built.objective)), None


def _hint_solution(built: BuiltModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in ``solver``'s solution (a complete hint)."""
    model = built.model
    clear_hints(model)
    for index in range(len(model.proto.variables)):
        variable = model.get_int_var_from_proto_index(index)
        model.add_hint(variable, solver.value(variable))


def _stats(
    built: BuiltModel,
    options: SolveOptions,
    started: float,
    solver: cp_model.CpSolver | None,
    result: tuple[float, float | None] | None = None,
) -> Stats:
    proto = built.model.proto
    deterministic = options.deterministic
    objective = bound = None
    gap = None
    if result is not None:
        raw_objective, raw_bound = result
        objective = round(raw_objective / SCALE)
        if raw_bound is not None:
            bound = round(raw_bound / SCALE)
            gap = round(abs(raw_objective - raw_bound) / max(1.0, abs(raw_objective)), 6)
    wall = round(time.perf_counter() - started, 3)
    return Stats(
        objective=objective,
        bound=bound,
        gap=gap,
        wall_time_s=(round(solver.deterministic_time, 3) if solver else 0.0)
        if deterministic
        else wall,
        workers=options.worker_count,
        seed=options.seed,
        time_limit_s=options.time_limit_s,
        deterministic=deterministic,
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        build_time_s=0.0 if deterministic else round(built.build_time_s, 3),
    )


def _no_plan(
    scenario: Scenario, built: BuiltModel, verdict: Status, options: SolveOptions, started: float
) -> Plan:
    conflicts: tuple[Conflict, ...] = ()
    if verdict is Status.INFEASIBLE:
        # explain builds models of its own; never an empty list (issue 16)
        from periodize.explain import infeasible_conflicts

        conflicts = infeasible_conflicts(
            scenario,
            time_limit_s=max(EXPLAIN_TIME_S, options.time_limit_s),
            history=built.ctx.history,
            deterministic=options.deterministic,
        )
    return Plan(
        scenario=scenario.name,
        status=verdict,
        stats=_stats(built, options, started, None),
        conflicts=conflicts,
    )


REASON_SHARE = 0.15
"""Share of the time limit the confirmation of shortfall reasons may take (at least
`REASON_TIME_S[0]`, at most `REASON_TIME_S[1]` seconds); the objective stage leaves it
free when the plan will miss recipes."""
REASON_TIME_S = (1.0, 8.0)


def reason_budget(options: SolveOptions) -> float:
    """Wall time for confirming the shortfall reasons of one plan (`periodize.reasons`)."""
    lo, hi = REASON_TIME_S
    return min(hi, max(lo, REASON_SHARE * options.time_limit_s))


def _shortfalls(
    scenario: Scenario,
    built: BuiltModel,
    days: tuple[Day, ...],
    sessions: Sessions,
    options: SolveOptions,
) -> tuple[Shortfall, ...]:
    """The plan's shortfalls with true reasons: a calendar fact, or a reason confirmed by a
    one-week solve (`periodize.reasons`). A re-plan's past weeks are history, not
    shortfalls."""
    from periodize.reasons import solver_reason  # builds models of its own

    past = built.ctx.guards.past_weeks
    misses = {
        key: what for key, what in missed_recipes(scenario, days).items() if key[1] not in past
    }
    reason = solver_reason(
        scenario,
        sessions,
        missed=list(misses),
        history=built.ctx.history,
        budget_s=reason_budget(options),
        deterministic=options.deterministic,
    )
    found = find_shortfalls(scenario, days, reason, misses)
    return tuple(s for s in found if s.week not in past)


def _read_plan(
    scenario: Scenario,
    built: BuiltModel,
    solver: cp_model.CpSolver,
    proven: bool,
    result: tuple[float, float | None],
    options: SolveOptions,
    started: float,
) -> Plan:
    ctx = built.ctx
    zones = scenario.athlete.zones
    by_day: dict[int, list[Session]] = {}
    for candidate in ctx.candidates:
        if solver.boolean_value(candidate.chosen):
            minutes = int(solver.value(candidate.minutes))
            session = Session.of(candidate.kind, candidate.slot, minutes, zones)
            by_day.setdefault(candidate.day, []).append(session)
    if ctx.race_day is not None:
        race = Session.of(scenario.catalogue[RACE_KIND], Slot.AM, scenario.race_minutes(), zones)
        by_day[ctx.race_day] = [race]
    days = tuple(
        Day(
            date=date,
            weekday=Weekday.of(date),
            sessions=tuple(sorted(by_day.get(index, []), key=lambda s: s.slot != Slot.AM)),
        )
        for index, date in enumerate(ctx.dates)
    )
    weeks = tuple(
        summarise_week(week, [d for d in days if week.contains(d.date)]) for week in ctx.calendar
    )
    shortfalls = _shortfalls(scenario, built, days, chosen_sessions(built, solver), options)
    terms = {term.rule: round(solver.value(term.expression) / SCALE) for term in built.terms}
    terms["S0"] = sum(1 for s in shortfalls if s.type is ShortfallType.RECIPE)
    return Plan(
        scenario=scenario.name,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        stats=_stats(built, options, started, solver, result),
        objective_terms=dict(sorted(terms.items())),
        weeks=weeks,
        days=days,
        shortfalls=shortfalls,
    )
