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
from periodize.model.variables import (
    Candidate,
    Expr,
    ModelContext,
    longest_counting_session,
)
from periodize.rules import BP, bp
from periodize.targets import long_growth_cap, long_targets, longest_counting_slot
from periodize.vocabulary import Intensity, Level, Modality, Phase, RaceKind


def _count(candidates: list[Candidate]) -> Expr:
    return sum(c.chosen for c in candidates)


def h05_hard_minimum(ctx: ModelContext) -> None:
    """H05 (recipe): at least the lower end of ``hard_sessions`` per full week; for
    intermediate and advanced athletes at least one in each taper week (race counts). In a
    peak week a simulation session counts toward the minimum too (never toward the cap):
    race-specific quality stands in for intervals (docs/rules-interpretation.md)."""
    keeps_intensity = ctx.scenario.athlete.level is not Level.BEGINNER
    for week in ctx.calendar:
        need = ctx.rules.hard_sessions.lo if week.full else 0
        if week.taper and keeps_intensity:
            need = max(need, 1)
        if need == 0:
            continue
        guard = ctx.guards.for_recipe("H05", week.index)
        hard = ctx.weeks[week.index].hard_sessions + race_hard_count(ctx, week)
        if week.phase is Phase.PEAK:
            stand_ins = [c for c in ctx.by_week[week.index] if _stands_in_for_hard(c)]
            hard = hard + _count(stand_ins)
        enforce(ctx.model.add(hard >= need), guard)


def _stands_in_for_hard(candidate: Candidate) -> bool:
    """A simulation session that is not itself hard: in a peak week H05's minimum counts it."""
    return candidate.kind.simulation and not candidate.kind.hard


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
    """H14 (recipe): exactly one long session per full base, build and peak week (outside
    recovery weeks), and in a build or peak week with a long target the longest counting
    session reaches the week's long floor."""
    targets = long_targets(ctx.scenario)
    for week in ctx.calendar:
        if not needs_long_session(week):
            continue
        guard = ctx.guards.for_recipe("H14", week.index)
        enforce(ctx.model.add(_count(long_candidates(ctx, week)) >= 1), guard)
        target = targets.get(week.index)
        if target is None or week.phase not in (Phase.BUILD, Phase.PEAK):
            continue
        floor = long_floor(ctx, week, target)
        if not isinstance(floor, int) or floor > 0:
            longest = longest_counting_session(ctx, week)
            enforce(ctx.model.add(longest >= floor), guard)


def long_floor(ctx: ModelContext, week: Week, target: int) -> Expr:
    """The week's long floor (rules.md): the smaller of ``long_floor`` x the long target,
    the longest slot a counting session could take that week, and the most H14 lets the
    longest counting session be given the earlier weeks and this week's minutes (the
    longest run growth and ``max_long_run_share`` allow, or the longest hike growth
    allows where hikes count); rounded down to the grid."""
    model, rules = ctx.model, ctx.rules
    wanted = bp(rules.long_floor) * target // BP
    ceiling = min(wanted, longest_counting_slot(ctx.scenario, week))
    if ceiling <= 0:
        return 0
    minutes = ctx.weeks[week.index].minutes
    share = model.new_int_var(
        0, max(0, ctx.weeks[week.index].max_minutes), f"h14_share_{week.index}"
    )
    model.add_division_equality(share, bp(rules.max_long_run_share) * minutes, BP)
    allowed = [_capped(ctx, week, [_growth_cap(ctx, week, Modality.RUN), share], "run")]
    race = ctx.scenario.race
    if race is None or race.kind is not RaceKind.ROAD:
        allowed.append(_growth_cap(ctx, week, Modality.HIKE))
    most = model.new_int_var(0, 2 * 1440, f"h14_most_long_{week.index}")
    model.add_max_equality(most, allowed)
    raw = model.new_int_var(0, ceiling, f"h14_floor_raw_{week.index}")
    model.add_min_equality(raw, [ceiling, most])
    grid = rules.grid_minutes
    units = model.new_int_var(0, ceiling // grid, f"h14_floor_units_{week.index}")
    model.add_division_equality(units, raw, grid)
    return grid * units


def _growth_cap(ctx: ModelContext, week: Week, modality: Modality) -> Expr:
    """H14's growth allowance in whole minutes for the longest ``modality`` session of
    ``week``: the larger of (1 + fraction) x and + minutes over the longest before it."""
    allowance = ctx.rules.long_increase
    before = ctx.longest_before[(modality, week.index)]
    if isinstance(before, int):
        return long_growth_cap(allowance, before)
    factor = BP + bp(allowance.fraction)
    model = ctx.model
    scaled = model.new_int_var(0, 4 * 1440, f"h14_{modality.value}_scaled_{week.index}")
    model.add_division_equality(scaled, factor * before, BP)
    cap = model.new_int_var(0, 4 * 1440, f"h14_{modality.value}_allow_{week.index}")
    model.add_max_equality(cap, [scaled, before + allowance.minutes])
    return cap


def _capped(ctx: ModelContext, week: Week, values: list[Expr], name: str) -> Expr:
    """The smallest of ``values``."""
    least = ctx.model.new_int_var(0, 4 * 1440, f"h14_{name}_least_{week.index}")
    ctx.model.add_min_equality(least, values)
    return least


def h16_phase_recipes(ctx: ModelContext) -> None:
    """H16 (recipe): what each phase's weeks must hold (intermediate and advanced; a run
    for beginners), and a hill session in build and peak weeks before a hilly trail race
    (every level). The items of one week hang on one guard: missing any is one miss."""
    full_recipes = ctx.scenario.athlete.level is not Level.BEGINNER
    runs_allowed = any(kind.is_run for kind in ctx.scenario.allowed_kinds())
    race = ctx.scenario.race
    hilly = race is not None and race.asks_for_hills
    for week in ctx.calendar:
        if not week.full or week.recovery:
            continue
        cands = ctx.by_week[week.index]
        needs: list[Expr] = []
        if full_recipes and week.phase is Phase.BASE:
            needs = [
                _count([c for c in cands if c.kind.is_trail_session]),
                _count([c for c in cands if c.kind.is_road_run]) - 1,
            ]
        elif full_recipes and week.phase is Phase.BUILD:
            needs = [
                _count([c for c in cands if is_build_long(c, race.kind if race else None)]),
                _count([c for c in cands if c.kind.is_road_run and c.kind.hard]),
                _count([c for c in cands if c.kind.intensity is Intensity.EASY]),
                _count([c for c in cands if c.kind.is_cross_training]),
            ]
        if not full_recipes and runs_allowed and week.phase is not Phase.TAPER:
            # A beginner's week holds a run: the seeds' rhythm is two hikes and one light
            # run, and without it a trail plan can dodge running altogether.
            needs.append(_count([c for c in cands if c.kind.is_run]))
        if hilly and week.phase in (Phase.BUILD, Phase.PEAK):
            needs.append(_count([c for c in cands if c.kind.is_hill_session]))
        if needs:
            guard = ctx.guards.for_recipe("H16", week.index)
            for need in needs:
                enforce(ctx.model.add(need >= 1), guard)
    if full_recipes:
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
    x the highest weekly minutes before the taper, prorated by the week's days, less
    anything under one step of the duration grid: ``m + grid > floor``, so that a floor of
    154.3 asks for 150 on a 15-minute grid (else H17's falling cap can leave no sum of
    sessions between the two; docs/rules-interpretation.md)."""
    floor, grid = bp(ctx.rules.taper_volume.lo), ctx.rules.grid_minutes
    for week in ctx.calendar:
        if not week.taper:
            continue
        guard = ctx.guards.for_recipe("H17", week.index)
        minutes = ctx.weeks[week.index].minutes
        enforce(ctx.model.add(7 * BP * (minutes + grid) >= floor * week.days * peak + 1), guard)


def h22_strength(ctx: ModelContext) -> None:
    """H22 (recipe): at least ``min_strength_per_week`` (default 1) strength sessions per
    full week outside the taper, recovery weeks included."""
    need = ctx.rules.min_strength_per_week
    for week in ctx.calendar:
        if not week.full or week.taper or need == 0:
            continue
        guard = ctx.guards.for_recipe("H22", week.index)
        strength = [c for c in ctx.by_week[week.index] if c.kind.is_strength]
        enforce(ctx.model.add(_count(strength) >= need), guard)
