"""Safety rules: one function per rule of rules.md, each under its guard (see `guards`).

The readings follow docs/rules-interpretation.md; fractions are compared in basis points
(``bp``) so that the model and the checker agree to the unit. H01, H02 and H19 are facts
that prune candidates (`domains`), as are H03's slots and H21 for free candidates; the
recipe parts of H05, H07, H11, H14, H16, H17 and H22 live in `recipes`.

In a re-plan, the logged days are history: day rules (H03's same-day items, H06, H11's
doubles, H18's days) hold from today on, and a weekly rule of the week of today that its
logged days alone break is waived with the figure frozen (`past`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from periodize.calendar import Week
from periodize.model.domains import h21_serves_the_race
from periodize.model.guards import GuardLit, enforce
from periodize.model.past import PastPart, within_room
from periodize.model.variables import Candidate, Expr, ModelContext, WeekSums, linear_sum
from periodize.rules import BP, bp
from periodize.vocabulary import SLOTS, Intensity, Modality, RatioScope


def h03_one_session_per_slot(ctx: ModelContext) -> None:
    """H03: at most one session per slot (a kind's own slots are pruned in `domains`);
    doubles capped per week; never two demanding sessions, two sessions of one kind or two
    strength sessions in one day."""
    model = ctx.model
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H03", week.index)
        doubles: list[cp_model.IntVar] = []
        for day in ctx.week_days(week):
            if day < ctx.today:
                continue  # a logged day is what was done (history)
            per_slot = [ctx.by_slot.get((day, slot), []) for slot in SLOTS]
            for slot_candidates in per_slot:
                if len(slot_candidates) > 1:
                    enforce(model.add_at_most_one(c.chosen for c in slot_candidates), guard)
            for group in _same_day_exclusions(ctx.by_day.get(day, [])):
                enforce(model.add_at_most_one(c.chosen for c in group), guard)
            if all(per_slot):
                double = model.new_bool_var(f"double_{day}")
                am, pm = (sum(c.chosen for c in cands) for cands in per_slot)
                enforce(model.add(am + pm <= 1 + double), guard)
                doubles.append(double)
        if doubles:
            most, past = ctx.rules.max_doubles_per_week, ctx.past_of(week)
            logged = past.doubles if past is not None else 0
            enforce(model.add(sum(doubles) <= max(0, most - logged)), guard)


def _same_day_exclusions(candidates: list[Candidate]) -> list[list[Candidate]]:
    """H03's groups of one day's candidates of which at most one may happen: the demanding
    ones, the strength ones, and each kind's (groups within one slot are left out: the
    slot's own at-most-one covers them)."""
    groups = [
        [c for c in candidates if c.kind.is_demanding],
        [c for c in candidates if c.kind.is_strength],
    ]
    by_kind: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_kind.setdefault(c.kind.id, []).append(c)
    groups.extend(by_kind.values())
    return [group for group in groups if len({c.slot for c in group}) > 1]


def h04_rest_days(ctx: ModelContext) -> None:
    """H04: at least ``min_rest_days`` rest days per full week. A rest day holds no
    session; the race day is not a rest day."""
    model = ctx.model
    for day, rest in ctx.rest.items():
        candidates = ctx.by_day.get(day, [])
        for candidate in candidates:
            model.add_implication(rest, ~candidate.chosen)
        # The same link as one linear row per day: it lets the LP count rest days against
        # sessions (a pigeonhole argument CP-SAT proves slowly from implications alone).
        # A slot holds one session: a fact of the calendar (like availability), so this
        # row is never switched off, and explanations do not name H03 for it.
        if candidates:
            slots = len({c.slot for c in candidates})
            model.add(sum(c.chosen for c in candidates) <= slots * (1 - rest))
    for week in ctx.calendar:
        if not week.full:
            continue
        guard = ctx.guards.for_safety("H04", week.index)
        need, past = ctx.rules.min_rest_days, ctx.past_of(week)
        rests = [ctx.rest[d] for d in ctx.week_days(week) if d in ctx.rest]
        if past is not None:  # the logged rest days count; too few: the rest of the week rests
            rests = [ctx.rest[d] for d in ctx.week_days(week) if d in ctx.rest and d >= ctx.today]
            logged_rest = len(past.days) - past.training_days
            need = min(max(0, need - logged_rest), len(rests))
        enforce(model.add(sum(rests) >= need), guard)


def race_hard_count(ctx: ModelContext, week: Week) -> int:
    """1 in the race week: H05 counts the race as a hard session."""
    return 1 if ctx.race_day is not None and ctx.week_of_day(ctx.race_day) == week else 0


def h05_hard_sessions(ctx: ModelContext) -> None:
    """H05 (safety part): hard sessions per week, race included, at most the upper end of
    ``hard_sessions`` (1 in a recovery week)."""
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H05", week.index)
        cap = min(1, ctx.rules.hard_sessions.hi) if week.recovery else ctx.rules.hard_sessions.hi
        sums, past = ctx.weeks[week.index], ctx.past_of(week)
        race = race_hard_count(ctx, week)
        if past is None:
            enforce(ctx.model.add(sums.hard_sessions + race <= cap), guard)
            continue
        future = sums.hard_sessions - past.hard_sessions
        fixed = past.hard_sessions + race
        enforce(within_room(ctx.model, future, fixed, 1, cap, f"h05_room_{week.index}"), guard)


def h06_no_back_to_back(ctx: ModelContext) -> None:
    """H06: a day with a demanding session (hard, a long run, or a kind flagged demanding;
    never a hike) is followed by a day without one."""
    model = ctx.model
    demanding: dict[int, cp_model.IntVar] = {}
    for day, candidates in ctx.by_day.items():
        chosen = [c.chosen for c in candidates if c.kind.is_demanding]
        if not chosen:
            continue
        flag = model.new_bool_var(f"demanding_{day}")
        for literal in chosen:
            model.add_implication(literal, flag)
        demanding[day] = flag
    for day, flag in demanding.items():
        following = demanding.get(day + 1)
        if following is not None and day + 1 >= ctx.today:  # two logged days: history
            # The pair (yesterday, today) belongs to the future: a Monday's pair is
            # guarded by its own week, not by the logged week before it.
            judged = max(day, ctx.today)
            guard = ctx.guards.for_safety("H06", ctx.week_of_day(judged).index, day)
            enforce(model.add_bool_or([~flag, ~following]), guard)


def h07_sessions_cap(ctx: ModelContext) -> None:
    """H07 (safety part): sessions per week at most the upper end of ``sessions_per_week``."""
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H07", week.index)
        most = ctx.rules.sessions_per_week.hi
        enforce(_capped(ctx, week, _sessions, lambda p: p.count, 1, most, "h07"), guard)


def _sessions(sums: WeekSums) -> Expr:
    return sums.sessions


def _load(sums: WeekSums) -> Expr:
    return sums.load


def _minutes(sums: WeekSums) -> Expr:
    return sums.minutes


def _logged_load(past: PastPart) -> int:
    return past.load


def _logged_minutes(past: PastPart) -> int:
    return past.minutes


PastFigure = Callable[[PastPart], int]
"""A weekly figure of the logged days of a split week."""


def _capped(
    ctx: ModelContext,
    week: Week,
    figure: Callable[[WeekSums], Expr],
    logged: PastFigure,
    scale: int,
    cap: Expr,
    name: str,
) -> cp_model.Constraint:
    """``scale x figure <= cap`` for ``week``; in a re-plan's split week the logged part
    of the figure is a constant, and when it alone passes the cap the rest of the week
    adds nothing to the figure (`past.within_room`)."""
    past, total = ctx.past_of(week), figure(ctx.weeks[week.index])
    if past is None:
        return ctx.model.add(scale * total <= cap)
    done = logged(past)
    return within_room(ctx.model, total - done, done, scale, cap, f"{name}_room_{week.index}")


def held_or_frozen(
    ctx: ModelContext,
    constraint: cp_model.Constraint,
    guard: GuardLit,
    broken_by_log: bool,
    frozen: Sequence[cp_model.BoundedLinearExpression | bool],
    name: str,
) -> None:
    """A share rule (H13, H14's long run share, H15) under ``guard``. When the logged days
    of a split week alone break it (``broken_by_log``), the future may repair it (more
    easy minutes dilute a hard Monday): a *held* literal chooses the rule, or the figure
    frozen at its logged value (``frozen``); the solve keeps as many held as it can
    (`ModelContext.held`)."""
    enforce(constraint, guard)
    if not broken_by_log:
        return
    held = ctx.model.new_bool_var(f"held_{name}")
    constraint.only_enforce_if(held)
    for equality in frozen:
        ctx.model.add(equality).only_enforce_if(~held)
    ctx.held.append(held)


def last_loading_week(ctx: ModelContext, week: Week) -> Week | None:
    """The last non-recovery week before ``week`` (None: the baseline stands in)."""
    for earlier in reversed(ctx.calendar[: week.index - 1]):
        if not earlier.recovery:
            return earlier
    return None


def four_before(
    ctx: ModelContext, week: Week, figure: Callable[[WeekSums], Expr], baseline: int
) -> list[Expr]:
    """``figure`` of each of the four weeks before ``week``, the baseline before the start."""
    return [
        figure(ctx.weeks[week.index - offset]) if week.index - offset >= 1 else baseline
        for offset in range(1, 5)
    ]


def previous_four(
    ctx: ModelContext, week: Week, figure: Callable[[WeekSums], Expr], baseline: int
) -> Expr:
    """The sum of ``figure`` over the four weeks before ``week``, baseline-filled."""
    return linear_sum(four_before(ctx, week, figure, baseline))


def _progression_cap(
    ctx: ModelContext,
    figure: Callable[[WeekSums], Expr],
    logged: PastFigure,
    baseline: int,
    name: str,
) -> None:
    model, factor = ctx.model, BP + bp(ctx.rules.max_weekly_increase)
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H09", week.index)
        ref_week = last_loading_week(ctx, week)
        reference = figure(ctx.weeks[ref_week.index]) if ref_week else baseline
        recent = previous_four(ctx, week, figure, baseline)
        if isinstance(reference, int) and isinstance(recent, int):
            ceiling: Expr = max(4 * reference, recent)
        else:
            upper = 4 * (max(ctx.weeks[w.index].max_load for w in ctx.calendar) + baseline)
            ceiling = model.new_int_var(0, upper, f"h09_{name}_ref_{week.index}")
            model.add_max_equality(ceiling, [4 * reference, recent])
        enforce(_capped(ctx, week, figure, logged, 4 * BP, factor * ceiling, f"h09_{name}"), guard)


def h09_progression_cap(ctx: ModelContext) -> None:
    """H09: a week's load and minutes are each at most (1 + max_weekly_increase) x the
    larger of the last non-recovery week's and the four-week mean."""
    athlete = ctx.scenario.athlete
    _progression_cap(ctx, _load, _logged_load, athlete.baseline_load, "load")
    _progression_cap(ctx, _minutes, _logged_minutes, athlete.weekly_minutes, "minutes")


def h10_one_lever(ctx: ModelContext) -> None:
    """H10: a full week that is not week 1, a recovery or a taper week does not raise both
    its minutes above the most minutes and its hard minutes above the most hard minutes of
    the four weeks before it (recovery weeks included; the baseline before the start)."""
    model, athlete = ctx.model, ctx.scenario.athlete
    baseline_minutes = athlete.weekly_minutes
    baseline_hard = athlete.weekly_minutes * BASELINE_HARD_SHARE_PCT // 100
    for week in ctx.calendar:
        if week.index == 1 or not week.full or week.recovery or week.taper:
            continue
        guard = ctx.guards.for_safety("H10", week.index)
        this = ctx.weeks[week.index]
        most_minutes = _most_of_four(ctx, week, lambda s: s.minutes, baseline_minutes, "minutes")
        most_hard = _most_of_four(ctx, week, lambda s: s.hard_minutes, baseline_hard, "hard")
        minutes_held = model.new_bool_var(f"h10_minutes_held_{week.index}")
        held_minutes = enforce(model.add(this.minutes <= most_minutes), guard)
        held_minutes.only_enforce_if(minutes_held)
        held_hard = enforce(model.add(this.hard_minutes <= most_hard), guard)
        held_hard.only_enforce_if(~minutes_held)
        past = ctx.past_of(week)
        if past is not None:
            # Logged days that alone raised both levers: waived, no more hard minutes.
            waived = model.new_bool_var(f"h10_waived_{week.index}")
            model.add(most_minutes + 1 <= past.minutes).only_enforce_if(waived)
            model.add(most_hard + 1 <= past.hard_minutes).only_enforce_if(waived)
            model.add(this.hard_minutes == past.hard_minutes).only_enforce_if(waived)
            held_minutes.only_enforce_if(~waived)
            held_hard.only_enforce_if(~waived)


BASELINE_HARD_SHARE_PCT = 10
"""H10: before the start, hard minutes are 10 % of the baseline weekly minutes."""


def _most_of_four(
    ctx: ModelContext, week: Week, figure: Callable[[WeekSums], Expr], baseline: int, name: str
) -> Expr:
    """The largest ``figure`` of the four weeks before ``week``, baseline-filled."""
    values = four_before(ctx, week, figure, baseline)
    constants = [value for value in values if isinstance(value, int)]
    if len(constants) == len(values):
        return max(constants)
    upper = max(baseline, *(ctx.weeks[w.index].max_minutes for w in ctx.calendar))
    most = ctx.model.new_int_var(0, upper, f"h10_most_{name}_{week.index}")
    ctx.model.add_max_equality(most, values)
    return most


def positive_load(ctx: ModelContext, week: Week) -> cp_model.IntVar:
    """A Boolean true exactly when ``week`` has positive load."""
    model, load = ctx.model, ctx.weeks[week.index].load
    flag = model.new_bool_var(f"positive_load_{week.index}")
    model.add(load >= 1).only_enforce_if(flag)
    model.add(load == 0).only_enforce_if(~flag)
    return flag


def h11_recovery_cap(ctx: ModelContext) -> None:
    """H11 (safety part): a recovery week's load and minutes are each at most the upper end
    of ``recovery_load`` x the week before's (the baseline before week 1), unless that
    week had no load; it holds no double and at most ``sessions_per_week`` - 1 sessions."""
    model, cap = ctx.model, bp(ctx.rules.recovery_load.hi)
    athlete = ctx.scenario.athlete
    for week in ctx.calendar:
        if not week.recovery:
            continue
        guard = ctx.guards.for_safety("H11", week.index)
        bounds = (
            ("load", _load, _logged_load, athlete.baseline_load),
            ("minutes", _minutes, _logged_minutes, athlete.weekly_minutes),
        )
        had_load = None if week.index == 1 else positive_load(ctx, ctx.calendar[week.index - 2])
        for name, figure, logged, baseline in bounds:
            if had_load is None and athlete.baseline_load == 0:
                continue  # week 1 after a zero-load baseline: exempt
            theirs = baseline if week.index == 1 else figure(ctx.weeks[week.index - 1])
            bound = _capped(ctx, week, figure, logged, BP, cap * theirs, f"h11_{name}")
            enforce(bound, guard)
            if had_load is not None:
                bound.only_enforce_if(had_load)
        for day in ctx.week_days(week):
            candidates = ctx.by_day.get(day, [])
            if day >= ctx.today and len({c.slot for c in candidates}) > 1:
                enforce(model.add(sum(c.chosen for c in candidates) <= 1), guard)
        most = max(0, ctx.rules.sessions_per_week.hi - 1)
        enforce(_capped(ctx, week, _sessions, lambda p: p.count, 1, most, "h11_sessions"), guard)


def h12_acute_chronic(ctx: ModelContext) -> None:
    """H12: a week's load is at most ``acwr_max`` x the mean load of the four weeks before
    it (baseline-filled)."""
    factor, baseline = bp(ctx.rules.acwr_max), ctx.scenario.athlete.baseline_load
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H12", week.index)
        recent = previous_four(ctx, week, lambda s: s.load, baseline)
        enforce(_capped(ctx, week, _load, _logged_load, 4 * BP, factor * recent, "h12"), guard)


def h13_intensity_share(ctx: ModelContext) -> None:
    """H13: a week's hard minutes are at most ``max_hard_share`` x its minutes (80/20), and
    its easy run minutes at least ``min_easy_run_share`` x its run minutes (hikes and rides
    cannot dilute the runs' intensity)."""
    model = ctx.model
    share, easy = bp(ctx.rules.max_hard_share), bp(ctx.rules.min_easy_run_share)
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H13", week.index)
        sums, past = ctx.weeks[week.index], ctx.past_of(week)
        hard = model.add(BP * sums.hard_minutes <= share * sums.minutes)
        broken = past is not None and BP * past.hard_minutes > share * past.minutes
        frozen = [sums.hard_minutes == past.hard_minutes] if broken and past else []
        held_or_frozen(ctx, hard, guard, broken, frozen, f"h13_hard_{week.index}")
        if not isinstance(sums.run_minutes, int) and easy > 0:
            runs = model.add(BP * sums.easy_run_minutes >= easy * sums.run_minutes)
            broken = past is not None and BP * past.easy_run_minutes < easy * past.run_minutes
            frozen = []
            if broken and past is not None:
                other = past.run_minutes - past.easy_run_minutes
                frozen = [sums.run_minutes - sums.easy_run_minutes == other]
            held_or_frozen(ctx, runs, guard, broken, frozen, f"h13_easy_{week.index}")


def long_candidates(ctx: ModelContext, week: Week) -> list[Candidate]:
    return [c for c in ctx.by_week[week.index] if c.kind.long]


def h14_long_sessions(ctx: ModelContext) -> None:
    """H14 (safety part): at most one long session a week, at least as long as every other
    session of its week; the longest run (hike) grows by at most ``long_increase`` over
    the longest before it; a long run is at most ``max_long_run_share`` of its week."""
    model, rules = ctx.model, ctx.rules
    for week in ctx.calendar:
        guard = ctx.guards.for_safety("H14", week.index)
        longs = long_candidates(ctx, week)
        if not longs:
            continue
        past = ctx.past_of(week)
        logged_longs = past.longs if past is not None else []
        if len(logged_longs) > 1:  # the log holds two: waived, no more this week
            for c in longs:
                if c.day >= ctx.today:
                    enforce(model.add(c.chosen == 0), guard)
        else:
            enforce(model.add_at_most_one(c.chosen for c in longs), guard)
        has_long = sum(c.chosen for c in longs)
        # An upper bound only: a logged week may hold two long sessions (history).
        top = sum(c.max_minutes for c in longs)
        long_minutes = model.new_int_var(0, top, f"long_{week.index}")
        model.add(long_minutes == sum(c.minutes for c in longs))
        _h14_longest_of_week(ctx, week, long_minutes, has_long, guard)
        share = bp(rules.max_long_run_share)
        minutes = ctx.weeks[week.index].minutes
        for c in longs:
            if c.kind.modality is Modality.RUN:
                constraint = model.add(BP * c.minutes <= share * minutes)
                logged = past is not None and c.day < ctx.today
                broken = logged and past is not None and BP * c.max_minutes > share * past.minutes
                name = f"h14_share_{c.day}_{c.slot.value}"
                held_or_frozen(ctx, constraint, guard, broken, [], name)
    athlete = ctx.scenario.athlete
    _longest_growth(ctx, Modality.RUN, athlete.long_minutes)
    _longest_growth(ctx, Modality.HIKE, athlete.baseline_long_hike)


def _h14_longest_of_week(
    ctx: ModelContext, week: Week, long_minutes: cp_model.IntVar, has_long: Expr, guard: GuardLit
) -> None:
    """H14: the long session is at least as long as every other session of its week. In a
    split week whose log holds several long sessions (the rest of the week adds none), or
    a non-long session longer than its logged long one, the rest of the week's sessions
    stay within the longer of the shortest logged long session and the longest logged
    non-long one."""
    model, past = ctx.model, ctx.past_of(week)
    slots: dict[tuple[int, object], list[Candidate]] = {}
    for c in ctx.by_week[week.index]:
        if not c.kind.long:
            slots.setdefault((c.day, c.slot), []).append(c)
    cap: int | None = None
    if past is not None and past.longs:
        shortest_long = min(s.minutes for s in past.longs)
        logged_other = max((s.minutes for s in past.sessions if not s.kind.long), default=0)
        if len(past.longs) > 1 or logged_other > shortest_long:
            cap = max(shortest_long, logged_other)
    for (day, _), others in slots.items():
        slot_minutes = sum(c.minutes for c in others)
        if cap is not None:
            if day >= ctx.today:
                enforce(model.add(slot_minutes <= cap), guard)
            continue
        biggest = max(c.max_minutes for c in others)
        constraint = model.add(slot_minutes <= long_minutes + biggest * (1 - has_long))
        enforce(constraint, guard)


def _longest_growth(ctx: ModelContext, modality: Modality, baseline: int) -> None:
    """Each week's sessions of ``modality`` stay within the long_increase allowance over
    the running maximum R (baseline, then every earlier week). R before each week is kept
    in ``ctx.longest_before`` for H14's recipe."""
    model, allowance = ctx.model, ctx.rules.long_increase
    factor = BP + bp(allowance.fraction)
    longest: Expr = baseline
    ceiling_top = 1440 * BP * 2
    for week in ctx.calendar:
        ctx.longest_before[(modality, week.index)] = longest
        guard = ctx.guards.for_safety("H14", week.index)
        sessions = [c for c in ctx.by_week[week.index] if c.kind.modality is modality]
        if not sessions:
            continue
        # A split week's logged sessions already past the cap: the rest stays within them.
        past = ctx.past_of(week)
        logged = BP * past.longest(modality) if past is not None else 0
        if isinstance(longest, int):
            cap: Expr = max(factor * longest, BP * (longest + allowance.minutes), logged)
        else:
            cap = model.new_int_var(0, ceiling_top, f"h14_{modality.value}_cap_{week.index}")
            reach = [factor * longest, BP * (longest + allowance.minutes)]
            model.add_max_equality(cap, reach + ([logged] if logged else []))
        for c in sessions:
            if c.day < ctx.today:
                continue  # a logged session is what was done
            if not isinstance(cap, int) or BP * c.max_minutes > cap:
                enforce(model.add(BP * c.minutes <= cap), guard)
        running = model.new_int_var(0, 1440, f"h14_{modality.value}_longest_{week.index}")
        model.add_max_equality(running, [longest, *(c.minutes for c in sessions)])
        longest = running


def ratio_band(ctx: ModelContext, week: Week) -> tuple[str, int, int] | None:
    """H15's band for ``week``: which share ('road' or 'trail') and its [lo, hi] in bp."""
    found = ctx.scenario.terrain_band(week.phase)
    if found is None:
        return None
    measure, band = found
    return measure, bp(band.lo), bp(band.hi)


def h15_terrain_ratio(ctx: ModelContext, waived: set[int]) -> None:
    """H15: road (or trail) share of run minutes within the phase's band to half a grid
    step, per week or over the phase; race week, run-free weeks and ``waived`` weeks
    exempt. A share that a re-plan's logged days alone break is held or frozen
    (`held_or_frozen`): over a phase, frozen means the rest of the phase adds nothing to
    the figure that is broken."""
    groups: dict[object, list[Week]] = {}
    for week in ctx.calendar:
        if week.is_race_week or week.index in waived or ratio_band(ctx, week) is None:
            continue
        key = week.phase if ctx.rules.ratio_scope is RatioScope.PHASE else week.index
        groups.setdefault(key, []).append(week)
    for weeks in groups.values():
        band = ratio_band(ctx, weeks[0])
        assert band is not None
        measure, lo, hi = band
        run = sum(ctx.weeks[w.index].run_minutes for w in weeks)
        part = sum(
            ctx.weeks[w.index].road_minutes
            if measure == "road"
            else ctx.weeks[w.index].trail_minutes
            for w in weeks
        )
        guard = ctx.guards.for_safety("H15", weeks[0].index)
        # A re-plan judges a phase from today's week on only when that week is its first
        # (an earlier first week is history, and the guard is off): the logged days of the
        # split week are then the logged part of the whole phase.
        past = ctx.past_of(weeks[0])
        logged_run = logged_part = 0
        if past is not None:
            logged_run = past.run_minutes
            logged_part = past.road_minutes if measure == "road" else past.trail_minutes
        name = f"h15_{weeks[0].index}"
        # To half a grid step (sessions last whole steps): 2 x part >= 2 x lo x run - grid.
        step = BP * ctx.rules.grid_minutes
        low = ctx.model.add(2 * BP * part >= 2 * lo * run - step)
        broken = 2 * BP * logged_part < 2 * lo * logged_run - step
        frozen = [run - part == logged_run - logged_part] if broken else []
        held_or_frozen(ctx, low, guard, broken, frozen, f"{name}_low")
        high = ctx.model.add(2 * BP * part <= 2 * hi * run + step)
        broken = 2 * BP * logged_part > 2 * hi * logged_run + step
        frozen = [part == logged_part] if broken else []
        held_or_frozen(ctx, high, guard, broken, frozen, f"{name}_high")


def before_taper(calendar: list[Week]) -> list[Week]:
    """The weeks before the first taper week (H17's reference weeks)."""
    first = next((w.index for w in calendar if w.taper), len(calendar) + 1)
    return [w for w in calendar if w.index < first]


def pre_taper_peak_minutes(ctx: ModelContext) -> Expr:
    """The highest weekly minutes before the taper (baseline when there is none)."""
    loading = before_taper(ctx.calendar)
    if not loading:
        return ctx.scenario.athlete.weekly_minutes
    top = ctx.model.new_int_var(0, 7 * 1440, "h17_pre_taper_max")
    ctx.model.add_max_equality(top, [ctx.weeks[w.index].minutes for w in loading])
    return top


def h17_taper_cap(ctx: ModelContext, peak: Expr) -> None:
    """H17 (safety part): each taper week's minutes at most the upper end of
    ``taper_volume`` x the highest weekly minutes before the taper; from the second taper
    week on, minutes per day no higher than the taper week before (volume only falls into
    race week, whose days are counted before race day)."""
    cap = bp(ctx.rules.taper_volume.hi)
    previous: Week | None = None
    for week in ctx.calendar:
        if not week.taper:
            continue
        guard = ctx.guards.for_safety("H17", week.index)
        enforce(_capped(ctx, week, _minutes, _logged_minutes, BP, cap * peak, "h17_cap"), guard)
        if previous is not None:
            before = training_days(week) * ctx.weeks[previous.index].minutes
            scale = training_days(previous)
            falling = _capped(ctx, week, _minutes, _logged_minutes, scale, before, "h17_falling")
            enforce(falling, guard)
        previous = week


def training_days(week: Week) -> int:
    """H17: the days of ``week`` that can hold training (race week: those before race day)."""
    return week.days - 1 if week.is_race_week else week.days


#: H18: the days before the race among which one must be a rest day.
RACE_REST_WINDOW = 6


def h18_race(ctx: ModelContext) -> None:
    """H18: the day before the race is rest or one easy session of at most 30 minutes; no
    demanding session in the ``race_quiet_days`` days before; a rest day among the six days
    before (those inside the plan). (The race itself is placed on race day by
    construction: that day has no other candidate.)"""
    if ctx.race_day is None:
        return
    model, race_day = ctx.model, ctx.race_day
    guard = ctx.guards.for_safety("H18", ctx.week_of_day(race_day).index, race_day)
    eve = ctx.by_day.get(race_day - 1, []) if race_day - 1 >= ctx.today else []
    if eve:
        enforce(model.add(sum(c.chosen for c in eve) <= 1), guard)
        for c in eve:
            if c.kind.intensity is not Intensity.EASY:
                enforce(model.add(c.chosen == 0), guard)
            elif c.max_minutes > 30:
                enforce(model.add(c.minutes <= 30), guard)
    for day in range(max(0, race_day - ctx.rules.race_quiet_days, ctx.today), race_day):
        for c in ctx.by_day.get(day, []):
            if c.kind.is_demanding:
                enforce(model.add(c.chosen == 0), guard)
    days = range(max(0, race_day - RACE_REST_WINDOW), race_day)
    window = [ctx.rest[d] for d in days]
    if window and days[-1] >= ctx.today:  # a window wholly logged is history
        enforce(model.add_bool_or(window), guard)


def h21_specificity(ctx: ModelContext) -> None:
    """H21: no pinned session of a trail-only kind in a road race's build, peak and taper
    (free candidates of such kinds are never made, see `domains`)."""
    for c in ctx.candidates:
        if c.pinned and not h21_serves_the_race(ctx.scenario, ctx.week_of_day(c.day), c.kind):
            guard = ctx.guards.for_safety("H21", ctx.week_of_day(c.day).index, c.day)
            enforce(ctx.model.add(c.chosen == 0), guard)


def h20_pins(ctx: ModelContext) -> None:
    """H20: pinned sessions happen exactly as pinned."""
    for c in ctx.candidates:
        if c.pinned:
            guard = ctx.guards.for_safety("H20", ctx.week_of_day(c.day).index, c.day)
            enforce(ctx.model.add(c.chosen == 1), guard)
