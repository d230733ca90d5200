"""How the greedy planner compares two versions of a week (built around a long run or a
long hike, say, or with a session fewer to make room for the long one): the recipes of
rules.md each version misses, counted as the plan's shortfalls count them (one per rule
and week), after its terrain band (H15, a hard rule) and before how far its long session
and its minutes fall from their targets.

This is the planner's own estimate, from the week alone; ``periodize.check`` is the judge
of finished plans.
"""

from __future__ import annotations

from collections.abc import Sequence

from periodize.catalogue import SessionKind
from periodize.heuristic.frame import Placed, WeekFrame, growth_cap
from periodize.heuristic.minutes import DROP_ORDER, fit_week, lower_bounds_met
from periodize.heuristic.roles import strength_count
from periodize.rules import BP, bp
from periodize.targets import longest_counting_slot
from periodize.vocabulary import CROSS_TRAINING, TRAIL_TERRAINS, Level, Phase, RaceKind

WeekScore = tuple[bool, int, int, int]
"""Out of band, recipe misses, long session short of its target, minutes off target."""


def long_floor(frame: WeekFrame, minutes: int) -> int:
    """H14's long floor of the week (rules.md, Long floor) for a week of ``minutes``; 0 in a
    week without a long target."""
    target = frame.long_target
    if target is None:
        return 0
    facts, history = frame.facts, frame.history
    rules, scenario = facts.rules, frame.scenario
    run = min(
        growth_cap(history.longest_run, scenario),
        bp(rules.max_long_run_share) * minutes // BP,
    )
    hike = 0
    if facts.race_kind is not RaceKind.ROAD:
        hike = growth_cap(history.longest_hike, scenario)
    most = bp(rules.long_floor) * target // BP
    slot = longest_counting_slot(scenario, frame.week)
    return min(most, max(run, hike), slot) // frame.grid * frame.grid


def _h16_misses(frame: WeekFrame, placed: Sequence[Placed]) -> bool:
    """Whether the week misses an item of H16 (base and build items, hills, a trail peak's
    simulation while the phase has none, a beginner's run)."""
    week, facts = frame.week, frame.facts
    kinds = [p.kind for p in placed]
    if frame.wants_hills and not any(k.is_hill_session for k in kinds):
        return True
    if not week.full or week.recovery:
        return False
    if facts.level is Level.BEGINNER:  # the seeds' beginner rhythm holds a run
        runs_allowed = any(k.is_run for k in facts.kinds)
        return week.phase is not Phase.TAPER and runs_allowed and not any(k.is_run for k in kinds)
    if week.phase is Phase.BASE:
        trail = any(k.is_trail_session for k in kinds)
        return not trail or sum(1 for k in kinds if k.is_road_run) < 2
    trail_peak = week.phase is Phase.PEAK and facts.race_kind is RaceKind.TRAIL
    if trail_peak and not frame.history.simulated:  # the phase's simulation, not yet run
        return not any(k.simulation for k in kinds)
    if week.phase is not Phase.BUILD:
        return False
    race_kind = facts.race_kind
    if race_kind is RaceKind.TRAIL:
        long_ok = any(k.long and k.terrain in TRAIL_TERRAINS for k in kinds)
    elif race_kind is RaceKind.ROAD:
        long_ok = any(k.long and k.is_road_run for k in kinds)
    else:
        long_ok = any(k.long for k in kinds)
    return not (
        long_ok
        and any(k.hard and k.is_road_run for k in kinds)
        and any(k.is_easy for k in kinds)
        and any(k.modality in CROSS_TRAINING for k in kinds)
    )


def recipe_misses(frame: WeekFrame, placed: Sequence[Placed]) -> int:
    """The (rule, week) recipe misses of the week: H05, H07, H08, H11 and H17's lower
    bounds, H14 (a long session, the long floor), H16 and H22."""
    week, facts = frame.week, frame.facts
    rules = facts.rules
    kinds = [p.kind for p in placed]
    minutes = sum(p.minutes for p in placed)
    hard = sum(1 for k in kinds if k.hard) + (1 if week.is_race_week else 0)
    if week.phase is Phase.PEAK:  # H05's recipe counts a peak week's simulation sessions
        hard += sum(1 for k in kinds if k.simulation and not k.hard)
    misses = [
        not lower_bounds_met(frame, placed),
        _h16_misses(frame, placed),
        hard < rules.hard_sessions.lo if week.full else False,
        week.taper and facts.level is not Level.BEGINNER and hard < 1,
    ]
    if week.full:
        misses.append(len(placed) < rules.sessions_per_week.lo - (1 if week.recovery else 0))
        misses.append(sum(1 for k in kinds if k.is_strength) < strength_count(frame))
        if facts.race_kind is not RaceKind.ROAD and week.phase in (Phase.BASE, Phase.BUILD):
            hikes = rules.min_hikes_per_week - (1 if week.recovery else 0)
            misses.append(sum(1 for k in kinds if k.is_hike) < hikes)
        if not week.recovery and week.phase in (Phase.BASE, Phase.BUILD, Phase.PEAK):
            counting = [p.minutes for p in placed if facts.counts_for_long(p.kind)]
            floor = long_floor(frame, minutes) if week.phase is not Phase.BASE else 0
            misses.append(not any(k.long for k in kinds) or max(counting, default=0) < floor)
    return sum(misses)


def week_score(frame: WeekFrame, placed: Sequence[Placed]) -> WeekScore:
    """How good a version of the week is (lower is better): inside its terrain band (before
    a road race a week the band measures holds runs: H15 exempts a week without, the plan
    should not seek that), the fewest recipe misses, the long session nearest its target,
    the minutes nearest theirs."""
    counting = [p.minutes for p in placed if frame.facts.counts_for_long(p.kind)]
    target = frame.long_target or 0
    minutes = sum(p.minutes for p in placed)
    road_race = frame.facts.race_kind is RaceKind.ROAD
    runless = road_race and frame.band is not None and not any(p.kind.is_run for p in placed)
    return (
        (frame.band_decides and not frame.in_band(placed)) or runless,
        recipe_misses(frame, placed),
        max(0, target - max(counting, default=0)),
        abs(minutes - frame.target_minutes),
    )


OPTIONAL_ROLES = ("easy", "top-up")
"""Sessions no recipe names: easy sessions up to the level's count, top-ups."""


def _snapshot(
    placed: Sequence[Placed],
) -> list[tuple[Placed, SessionKind, int, int, str, float, int]]:
    return [(p, p.kind, p.lo, p.hi, p.role, p.weight, p.minutes) for p in placed]


def make_room_for_long(frame: WeekFrame, placed: list[Placed]) -> None:
    """S6: where the week's long session falls short of its long target, drop the sessions
    no recipe names (the least important first) while that makes the week better by
    `week_score` (no more recipe misses, a longer long session)."""
    long = next((p for p in placed if p.role == "long" and not p.fixed), None)
    if frame.long_target is None or long is None:
        return
    if long.minutes >= frame.long_reach(long.kind, range(long.lo, long.hi + 1)):
        return  # as long as its growth, its slot and the week's target let it be
    score = week_score(frame, placed)
    optional = [p for p in placed if p.role in OPTIONAL_ROLES and not p.fixed]
    for candidate in sorted(optional, key=lambda p: DROP_ORDER.get(p.role, 0)):
        if score[2] == 0:
            return
        before = _snapshot(placed)
        trial = [p for p in placed if p is not candidate]
        fit_week(frame, trial)
        trial_score = week_score(frame, trial)
        if len(trial) == len(placed) - 1 and trial_score < score:
            placed[:] = trial
            score = trial_score
            continue
        for p, kind, lo, hi, role, weight, minutes in before:
            p.retype(kind, lo, hi)
            p.role, p.weight, p.minutes = role, weight, minutes
