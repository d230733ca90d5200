"""The soft terms S1-S6 (S0 is the recipe guards' count, see `build`), each built and
reported by name.

Every term is measured in *points*, one point being one unit of load (minutes x RPE), so
the terms can be traded against each other: S1 and S2 are load distances (S2 adds minutes
at `MINUTES_WEIGHT` points each), S3 and S4 count events at `EVENT_POINTS` each, S6
counts the long session's missing minutes at `LONG_SHORT_POINTS` each. Inside the model
S1's per-minute coefficients are kept in hundredths of a point (`SCALE`) to stay exact to
1 %; the objective is the weighted sum of the terms in those hundredths.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from periodize.catalogue import SessionKind
from periodize.model.variables import (
    Candidate,
    Expr,
    ModelContext,
    linear_sum,
    longest_counting_session,
)
from periodize.targets import long_targets, system_profile, target_loads, target_minutes
from periodize.vocabulary import SYSTEMS, System, Terrain, Weekday

SCALE = 100
"""Model units per point."""
EVENT_POINTS = 50
"""Points one variety or preference event costs (about 10 easy minutes of load)."""
STREAK = 3
"""S3: the same terrain on more than this many days in a row costs an event."""


WeekParts = dict[int, Expr]
"""A soft term split by week (index from 1): each event or deviation belongs to the week
of its first day, so that a week's part depends only on that week's sessions, and on the
next week's first days for the events that span a week's end."""


@dataclass(frozen=True)
class Term:
    """A soft term: its rules.md ID, its name in ``objective:`` and its parts by week in
    model units (points x SCALE)."""

    rule: str
    name: str
    parts: WeekParts

    @property
    def expression(self) -> Expr:
        """The whole term."""
        return linear_sum([part for _, part in sorted(self.parts.items())])


def _by_week(items: list[tuple[int, Expr]], factor: int = 1) -> WeekParts:
    """``factor`` x the sum of each week's items, from (week index, expression) pairs."""
    grouped: dict[int, list[Expr]] = defaultdict(list)
    for week, item in items:
        grouped[week].append(item)
    return {week: factor * cp_model.LinearExpr.sum(group) for week, group in grouped.items()}


def s1_systems_balance(ctx: ModelContext) -> WeekParts:
    """S1: per week, the L1 distance between each system's stimulus and the phase profile
    scaled to the week's target load. A session spreads its load over the systems in
    proportion to its kind's weights."""
    model = ctx.model
    race = ctx.scenario.race
    targets = target_loads(ctx.scenario)
    deviations: list[tuple[int, Expr]] = []
    for week in ctx.calendar:
        sums = ctx.weeks[week.index]
        profile = system_profile(week.phase, race.kind if race else None)
        target = targets[week.index - 1]
        bound = SCALE * (ctx.weeks[week.index].max_load + target) + 1
        for system in SYSTEMS:
            stimulus = cp_model.LinearExpr.sum(
                [
                    _stimulus_coefficient(sums.kinds[k], system) * minutes
                    for k, minutes in sums.kind_minutes.items()
                ]
            )
            goal = target * profile[system] * SCALE // 10_000
            deviation = model.new_int_var(0, bound, f"s1_{week.index}_{system.value}")
            model.add(deviation >= stimulus - goal)
            model.add(deviation >= goal - stimulus)
            deviations.append((week.index, deviation))
    return _by_week(deviations)


def _stimulus_coefficient(kind: SessionKind, system: System) -> int:
    """Stimulus of one minute of ``kind`` on ``system``, in hundredths of a load point."""
    weight = kind.systems.get(system, 0)
    return round(SCALE * kind.rpe * weight / sum(kind.systems.values()))


def s2_load_trajectory(ctx: ModelContext) -> WeekParts:
    """S2: per week, the distance between the week's load and the target curve, plus
    `MINUTES_WEIGHT` x the distance between its minutes and the same curve in minutes:
    volume must rise, not only intensity."""
    model = ctx.model
    loads, minutes = target_loads(ctx.scenario), target_minutes(ctx.scenario)
    deviations: list[tuple[int, Expr]] = []
    for week in ctx.calendar:
        sums = ctx.weeks[week.index]
        for name, value, target, top, factor in (
            ("load", sums.load, loads[week.index - 1], sums.max_load, 1),
            ("minutes", sums.minutes, minutes[week.index - 1], sums.max_minutes, MINUTES_WEIGHT),
        ):
            deviation = model.new_int_var(0, top + target + 1, f"s2_{name}_{week.index}")
            model.add(deviation >= value - target)
            model.add(deviation >= target - value)
            deviations.append((week.index, factor * deviation))
    return _by_week(deviations, SCALE)


MINUTES_WEIGHT = 4
"""S2: points per minute of distance from the minutes curve (about a load point per
minute at a moderate RPE, four times over, so that time counts as much as load)."""


def s3_variety(ctx: ModelContext) -> WeekParts:
    """S3: events of the same kind on consecutive days, and of the same terrain on more
    than three days in a row."""
    model = ctx.model
    events: list[tuple[int, Expr]] = []
    by_day_kind: dict[tuple[int, str], list[Candidate]] = {}
    for c in ctx.candidates:
        by_day_kind.setdefault((c.day, c.kind.id), []).append(c)
    for (day, kind_id), today in sorted(by_day_kind.items()):
        tomorrow = by_day_kind.get((day + 1, kind_id))
        if not tomorrow:
            continue
        repeat = model.new_bool_var(f"s3_repeat_{day}_{kind_id}")
        both = cp_model.LinearExpr.sum([c.chosen for c in today + tomorrow])
        model.add(repeat >= both - 1)
        events.append((ctx.week_of_day(day).index, repeat))
    on_terrain: dict[tuple[int, Terrain], cp_model.IntVar] = {}
    for c in ctx.candidates:
        if c.kind.terrain is Terrain.ANY:
            continue
        key = (c.day, c.kind.terrain)
        if key not in on_terrain:
            on_terrain[key] = model.new_bool_var(f"s3_on_{c.day}_{c.kind.terrain.value}")
        model.add_implication(c.chosen, on_terrain[key])
    for (day, terrain), _ in sorted(on_terrain.items()):
        window = [on_terrain.get((day + i, terrain)) for i in range(STREAK + 1)]
        flags = [flag for flag in window if flag is not None]
        if len(flags) < len(window):
            continue
        streak = model.new_bool_var(f"s3_streak_{day}_{terrain.value}")
        model.add(streak >= cp_model.LinearExpr.sum(flags) - STREAK)
        events.append((ctx.week_of_day(day).index, streak))
    return _by_week(events, SCALE * EVENT_POINTS)


def s4_preferences(ctx: ModelContext) -> WeekParts:
    """S4: a long session off the preferred long day (``long_day``, by default the weekend
    day with the most time); a session on the preferred ``rest_day``."""
    preferences, long_day = ctx.scenario.preferences, ctx.scenario.long_day
    events: list[tuple[int, Expr]] = []
    for c in ctx.candidates:
        weekday = Weekday.of(ctx.dates[c.day])
        week = ctx.week_of_day(c.day).index
        if long_day is not None and c.kind.long and weekday != long_day:
            events.append((week, c.chosen))
        if preferences.rest_day is not None and weekday == preferences.rest_day:
            events.append((week, c.chosen))
    return _by_week(events, SCALE * EVENT_POINTS)


def s5_stability(ctx: ModelContext) -> WeekParts:
    """S5 (re-plans only): one event per future slot whose session differs from the
    previous plan's: a different kind or length, a session dropped, or one added."""
    model, previous = ctx.model, ctx.previous or {}
    today = ctx.history.today if ctx.history is not None else 0
    events: list[tuple[int, Expr]] = []
    slots = {key for key in ctx.by_slot if key[0] >= today} | set(previous)
    for day, slot in sorted(slots, key=lambda key: (key[0], key[1].value)):
        candidates = ctx.by_slot.get((day, slot), [])
        week = ctx.week_of_day(day).index
        before = previous.get((day, slot))
        if before is None:
            events.extend((week, c.chosen) for c in candidates)
            continue
        kind, minutes = before
        same_kind = [c for c in candidates if c.kind.id == kind.id]
        if not same_kind:
            events.append((week, 1))
            continue
        candidate = same_kind[0]
        same = model.new_bool_var(f"s5_same_{day}_{slot.value}")
        model.add_implication(same, candidate.chosen)
        model.add(candidate.minutes == minutes).only_enforce_if(same)
        events.append((week, 1 - same))
    return _by_week(events, EVENT_POINTS * SCALE)


def s6_long_progression(ctx: ModelContext) -> WeekParts:
    """S6: per full loading week, `LONG_SHORT_POINTS` x the minutes by which the week's
    longest counting session falls short of the week's long target: the long session
    grows toward what the race asks, week by week."""
    model = ctx.model
    shortfalls: list[tuple[int, Expr]] = []
    for index, target in sorted(long_targets(ctx.scenario).items()):
        week = ctx.calendar[index - 1]
        longest = longest_counting_session(ctx, week)
        short = model.new_int_var(0, target, f"s6_short_{index}")
        model.add(short >= target - longest)
        shortfalls.append((index, short))
    return _by_week(shortfalls, SCALE * LONG_SHORT_POINTS)


LONG_SHORT_POINTS = 4
"""S6: points per minute the long session falls short of its target."""


def soft_terms(ctx: ModelContext) -> list[Term]:
    """S1-S4 and S6 with a positive weight, in rules.md order, and S5 in a re-plan."""
    weights = ctx.scenario.objective
    builders = [
        ("S1", "systems_balance", weights.systems_balance, s1_systems_balance),
        ("S2", "load_trajectory", weights.load_trajectory, s2_load_trajectory),
        ("S3", "variety", weights.variety, s3_variety),
        ("S4", "preferences", weights.preferences, s4_preferences),
    ]
    if ctx.previous is not None:
        builders.append(("S5", "stability", weights.stability, s5_stability))
    builders.append(("S6", "long_progression", weights.long_progression, s6_long_progression))
    return [Term(rule, name, build(ctx)) for rule, name, weight, build in builders if weight > 0]
