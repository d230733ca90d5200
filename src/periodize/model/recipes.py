"""Recipe rules: the minimums that shape a good week, one function per rule.

Each (rule, week) pair hangs on one guard literal (`guards.for_recipe`): under ``recipes:
soft`` the guard is free and its falsity counts one unit of S0; under ``strict`` it is
absent and the recipe is hard. Recovery weeks lower H07's and H08's minimums by one and
make H14's long session and H16 optional (rules.md).
"""

from __future__ import annotations

from periodize.calendar import Week
from periodize.model.guards import enforce
from periodize.model.safety import long_candidates, positive_load, race_hard_count
from periodize.model.variables import Candidate, Expr, ModelContext
from periodize.rules import BP, bp
from periodize.vocabulary import Intensity, Level, Modality, Phase, RaceKind


def _count(candidates: list[Candidate]) -> Expr:
    return sum(c.chosen for c in candidates)


def h05_hard_minimum(ctx: ModelContext) -> None:
    """H05 (recipe): at least the lower end of ``hard_sessions`` per full week; for
    intermediate and advanced athletes at least one in each taper week (race counts)."""
    keeps_intensity = ctx.scenario.athlete.level is not Level.BEGINNER
    for week in ctx.calendar:
        need = ctx.rules.hard_sessions.lo if week.full else 0
        if week.taper and keeps_intensity:
            need = max(need, 1)
        if need == 0:
            continue
        guard = ctx.guards.for_recipe("H05", week.index)
        hard = ctx.weeks[week.index].hard_sessions + race_hard_count(ctx, week)
        enforce(ctx.model.add(hard >= need), guard)


def h07_sessions_minimum(ctx: ModelContext) -> None:
    """H07 (recipe): at least the lower end of ``sessions_per_week`` per full week."""
    for week in ctx.calendar:
        need = ctx.rules.sessions_per_week.lo - (1 if week.recovery else 0)
        if not week.full or need <= 0:
            continue
        guard = ctx.guards.for_recipe("H07", week.index)
        enforce(ctx.model.add(ctx.weeks[week.index].sessions >= need), guard)


def h08_hikes(ctx: ModelContext) -> None:
    """H08 (recipe): for a trail race or no race, at least ``min_hikes_per_week`` hikes per
    full base and build week."""
    race = ctx.scenario.race
    if race is not None and race.kind is not RaceKind.TRAIL:
        return
    for week in ctx.calendar:
        if not week.full or week.phase not in (Phase.BASE, Phase.BUILD):
            continue
        need = ctx.rules.min_hikes_per_week - (1 if week.recovery else 0)
        if need <= 0:
            continue
        guard = ctx.guards.for_recipe("H08", week.index)
        hikes = [c for c in ctx.by_week[week.index] if c.kind.modality is Modality.HIKE]
        enforce(ctx.model.add(_count(hikes) >= need), guard)


def h11_recovery_minimum(ctx: ModelContext) -> None:
    """H11 (recipe): a recovery week's load is at least the lower end of ``recovery_load``
    x the week before."""
    floor = bp(ctx.rules.recovery_load.lo)
    for week in ctx.calendar:
        if not week.recovery or week.index == 1:
            continue
        guard = ctx.guards.for_recipe("H11", week.index)
        before = ctx.weeks[week.index - 1].load
        constraint = ctx.model.add(BP * ctx.weeks[week.index].load >= floor * before)
        enforce(constraint, guard).only_enforce_if(positive_load(ctx, ctx.calendar[week.index - 2]))


def needs_long_session(week: Week) -> bool:
    """H14's recipe applies to full, non-recovery base, build and peak weeks."""
    return week.full and not week.recovery and week.phase is not Phase.TAPER


def h14_long_session(ctx: ModelContext) -> None:
    """H14 (recipe): exactly one long session per full base, build and peak week."""
    for week in ctx.calendar:
        if not needs_long_session(week):
            continue
        guard = ctx.guards.for_recipe("H14", week.index)
        enforce(ctx.model.add(_count(long_candidates(ctx, week)) >= 1), guard)


def h16_phase_recipes(ctx: ModelContext) -> None:
    """H16 (recipe, intermediate and advanced): what each phase's weeks must hold."""
    if ctx.scenario.athlete.level is Level.BEGINNER:
        return
    race = ctx.scenario.race
    for week in ctx.calendar:
        if not week.full or week.recovery:
            continue
        cands = ctx.by_week[week.index]
        needs: list[Expr] = []
        if week.phase is Phase.BASE:
            needs = [
                _count([c for c in cands if c.kind.is_trail_session]),
                _count([c for c in cands if c.kind.is_road_run]) - 1,
            ]
        elif week.phase is Phase.BUILD:
            needs = [
                _count([c for c in cands if is_build_long(c, race.kind if race else None)]),
                _count([c for c in cands if c.kind.is_road_run and c.kind.hard]),
                _count([c for c in cands if c.kind.intensity is Intensity.EASY]),
                _count([c for c in cands if c.kind.is_cross_training]),
            ]
        if needs:
            guard = ctx.guards.for_recipe("H16", week.index)
            for need in needs:
                enforce(ctx.model.add(need >= 1), guard)
    _h16_simulation(ctx)


def is_build_long(candidate: Candidate, race_kind: RaceKind | None) -> bool:
    """H16's build-phase long session: long trail session (trail race), long road run
    (road race) or any long session (no race)."""
    kind = candidate.kind
    if not kind.long:
        return False
    if race_kind is RaceKind.TRAIL:
        return kind.is_trail_session
    if race_kind is RaceKind.ROAD:
        return kind.is_road_run
    return True


def _h16_simulation(ctx: ModelContext) -> None:
    race = ctx.scenario.race
    if race is None or race.kind is not RaceKind.TRAIL:
        return
    peak = [w for w in ctx.calendar if w.phase is Phase.PEAK]
    charged = next((w for w in peak if w.full and not w.recovery), None)
    if charged is None:
        return
    simulations = [c for w in peak for c in ctx.by_week[w.index] if c.kind.simulation]
    guard = ctx.guards.for_recipe("H16", charged.index)
    enforce(ctx.model.add(_count(simulations) >= 1), guard)


def h17_taper_minimum(ctx: ModelContext, peak: Expr) -> None:
    """H17 (recipe): each taper week's minutes at least the lower end of ``taper_volume``
    x the highest weekly minutes before the taper, prorated by the week's days."""
    floor = bp(ctx.rules.taper_volume.lo)
    for week in ctx.calendar:
        if not week.taper:
            continue
        guard = ctx.guards.for_recipe("H17", week.index)
        minutes = ctx.weeks[week.index].minutes
        enforce(ctx.model.add(7 * BP * minutes >= floor * week.days * peak), guard)
