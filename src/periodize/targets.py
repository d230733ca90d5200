"""What a good week aims at: the load and minutes trajectory (S2), the systems profile by
phase (S1) and the long session's growth toward the race (S6 and H14's recipe).

All are plain numbers computed from the scenario before any solving, so the objective
stays linear: S2 measures each week's load against `target_loads` and its minutes against
`target_minutes`, S1 measures each system's stimulus against `system_profile` scaled to
that week's target load, S6 measures each loading week's longest counting session
against `long_targets`.
"""

from __future__ import annotations

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.rules import BP, LongIncrease, bp
from periodize.scenario import Scenario
from periodize.vocabulary import Level, Modality, Phase, RaceKind, System

#: How far above baseline a well-planned block may take weekly load, by level.
LEVEL_GROWTH = {Level.BEGINNER: 0.30, Level.INTERMEDIATE: 0.50, Level.ADVANCED: 0.60}
#: Effort-kilometres (distance + climbing / 100 m) at which a race asks for the full growth.
FULL_DEMAND_EFFORT_KM = 42.0
#: A race always asks for at least this share of the level's growth; no race asks for half.
MIN_DEMAND, NO_RACE_DEMAND = 0.3, 0.5
#: Recovery weeks aim at the middle of H11's band, taper weeks at the middle of H17's.
RECOVERY_FACTOR, TAPER_FACTOR = 0.75, 0.50

# Target share of stimulus per system, in basis points (sums to 10 000). Base leans
# cardiopulmonary and aerobic, build is balanced, a trail peak leans neuromuscular and
# balance, a road peak leans cardiopulmonary and anaerobic (trail-road's systems table).
_PROFILES: dict[str, dict[System, int]] = {
    "base": {
        System.CARDIOPULMONARY: 2500,
        System.AEROBIC_METABOLIC: 3500,
        System.ANAEROBIC_METABOLIC: 500,
        System.NEUROMUSCULAR: 1000,
        System.BALANCE: 1000,
        System.MUSCULOSKELETAL: 1500,
    },
    "build": {
        System.CARDIOPULMONARY: 2000,
        System.AEROBIC_METABOLIC: 2500,
        System.ANAEROBIC_METABOLIC: 1500,
        System.NEUROMUSCULAR: 1500,
        System.BALANCE: 1000,
        System.MUSCULOSKELETAL: 1500,
    },
    "peak_trail": {
        System.CARDIOPULMONARY: 1500,
        System.AEROBIC_METABOLIC: 2000,
        System.ANAEROBIC_METABOLIC: 1000,
        System.NEUROMUSCULAR: 2000,
        System.BALANCE: 2000,
        System.MUSCULOSKELETAL: 1500,
    },
    "peak_road": {
        System.CARDIOPULMONARY: 2500,
        System.AEROBIC_METABOLIC: 2500,
        System.ANAEROBIC_METABOLIC: 2000,
        System.NEUROMUSCULAR: 1500,
        System.BALANCE: 500,
        System.MUSCULOSKELETAL: 1000,
    },
}


def system_profile(phase: Phase, race_kind: RaceKind | None) -> dict[System, int]:
    """The target share of each system in a week of ``phase``, in basis points."""
    if phase is Phase.BASE:
        return _PROFILES["base"]
    if phase is Phase.BUILD or race_kind is None:
        return _PROFILES["build"]
    return _PROFILES["peak_trail" if race_kind is RaceKind.TRAIL else "peak_road"]


def peak_load(scenario: Scenario) -> int:
    """The weekly load the plan builds toward, from baseline, level and race demand."""
    baseline = scenario.athlete.baseline_load
    growth = LEVEL_GROWTH[scenario.athlete.level]
    race = scenario.race
    if race is None:
        demand = NO_RACE_DEMAND
    else:
        demand = min(1.0, max(MIN_DEMAND, race.effort_km / FULL_DEMAND_EFFORT_KM))
    return round(baseline * (1 + growth * demand))


def target_loads(scenario: Scenario) -> list[int]:
    """The target training load of each week (S2), race excluded.

    Loading weeks rise linearly from the baseline to the peak load over the weeks before
    the taper, never faster than H09's cap compounds; recovery weeks aim at 75 % of the
    week before, taper weeks at 50 % of the peak; partial weeks are prorated.
    """
    calendar: list[Week] = scenario.calendar
    baseline = scenario.athlete.baseline_load
    peak = peak_load(scenario)
    increase = 1 + scenario.resolved_rules.max_weekly_increase
    loading = [w for w in calendar if not w.taper]
    span = max(1, len(loading) - 1)
    targets: list[int] = []
    previous = float(baseline)
    highest = float(baseline)
    for week in calendar:
        if week.taper:
            value = TAPER_FACTOR * (highest if loading else peak)
        elif week.recovery:
            value = RECOVERY_FACTOR * previous
        else:
            position = loading.index(week) / span if len(loading) > 1 else 1.0
            ramp = baseline + (peak - baseline) * position
            value = min(ramp, baseline * increase**week.index)
            highest = max(highest, value)
        previous = value
        targets.append(round(value * week.days / 7))
    return targets


def target_minutes(scenario: Scenario) -> list[int]:
    """The target training minutes of each week (S2's second part): the load curve in
    minutes, target load x baseline weekly_minutes / weekly_load, so that volume rises
    with load instead of load rising through intensity alone."""
    athlete = scenario.athlete
    minutes, load = athlete.weekly_minutes, athlete.baseline_load
    if load == 0:
        return [0 for _ in scenario.calendar]
    return [round(target * minutes / load) for target in target_loads(scenario)]


#: Long goal (rules.md): a share of race time, and its clamp, by race kind.
LONG_GOAL_SHARE = {RaceKind.ROAD: 75, RaceKind.TRAIL: 60}
LONG_GOAL_RANGE = {RaceKind.ROAD: (60, 180), RaceKind.TRAIL: (60, 300)}
#: Without a race the long session grows this many minutes above the baseline long.
NO_RACE_LONG_GAIN = 30


def counts_for_long(kind: SessionKind, race_kind: RaceKind | None) -> bool:
    """Whether sessions of ``kind`` are *counting sessions* (rules.md): runs before a road
    race; runs and hikes before a trail race or with no race."""
    return modality_counts_for_long(kind.modality, race_kind)


def modality_counts_for_long(modality: Modality, race_kind: RaceKind | None) -> bool:
    """`counts_for_long` by modality alone (a planned session of any kind)."""
    if modality is Modality.RUN:
        return True
    return modality is Modality.HIKE and race_kind is not RaceKind.ROAD


def long_growth_cap(allowance: LongIncrease, longest: int) -> int:
    """H14's growth allowance in whole minutes over a longest session of ``longest``: the
    larger of (1 + fraction) x (rounded down) and + minutes."""
    factor = BP + bp(allowance.fraction)
    return max(factor * longest // BP, longest + allowance.minutes)


def baseline_long(scenario: Scenario) -> int:
    """The athlete's recent longest counting session: ``long_minutes`` before a road race,
    else the larger of it and ``long_hike_minutes``."""
    athlete, race = scenario.athlete, scenario.race
    if race is not None and race.kind is RaceKind.ROAD:
        return athlete.long_minutes
    return max(athlete.long_minutes, athlete.baseline_long_hike)


def long_goal(scenario: Scenario) -> int:
    """The longest session the build should reach before the taper (rules.md, Long goal):
    ``long_goal_minutes`` when set; else 0.75 x race time (60-180) before a road race,
    0.6 x race time (60-300) before a trail race, the baseline long + 30 with no race."""
    override = scenario.resolved_rules.long_goal_minutes
    if override is not None:
        return override
    race = scenario.race
    if race is None:
        return baseline_long(scenario) + NO_RACE_LONG_GAIN
    lo, hi = LONG_GOAL_RANGE[race.kind]
    return max(lo, min(hi, LONG_GOAL_SHARE[race.kind] * scenario.race_minutes() // 100))


def is_loading_week(week: Week) -> bool:
    """A full week that is neither a recovery nor a taper week (S6, H14's recipe)."""
    return week.full and not week.recovery and not week.taper


def long_targets(scenario: Scenario) -> dict[int, int]:
    """The long target of each full loading week, by week index (rules.md, Long target):
    in the k-th such week, min(long goal, baseline long + k x step), rounded down. The step
    is H14's growth allowance over the baseline long, max(15, 0.10 x baseline long) by
    default (``long_increase`` minutes and fraction), and a target is never past H14's
    growth over the target before it (in whole minutes), so that S6 never asks for more
    than H14 lets the long session grow. Recovery, taper and partial weeks have none."""
    base, goal = baseline_long(scenario), long_goal(scenario)
    allowance = scenario.resolved_rules.long_increase
    # The step in basis points of a minute: exact for a fraction of four decimals.
    step_bp = max(BP * allowance.minutes, bp(allowance.fraction) * base)
    targets: dict[int, int] = {}
    reached, k = base, 0
    for week in scenario.calendar:
        if is_loading_week(week):
            k += 1
            # Never past what H14 lets the longest session grow to over the target before
            # (whole minutes: a growth of under a minute a week never adds one).
            allowed = long_growth_cap(allowance, reached)
            targets[week.index] = min(goal, (BP * base + k * step_bp) // BP, allowed)
            reached = max(reached, targets[week.index])
    return targets


def longest_counting_slot(scenario: Scenario, week: Week) -> int:
    """The longest a counting session could be in ``week`` by the calendar alone (H14's
    long floor): the largest grid duration of a counting kind, over the week's days and
    slots, where the kind's terrain is reachable, the slot is one it may take, and H19 and
    H21 allow it. 0 when no counting session fits."""
    race = scenario.race
    race_kind = race.kind if race is not None else None
    grid = scenario.resolved_rules.grid_minutes
    kinds = [
        kind
        for kind in scenario.allowed_kinds()
        if counts_for_long(kind, race_kind) and scenario.serves_the_race(kind, week.phase)
    ]
    longest = 0
    for date in week.dates():
        if race is not None and date == race.date:
            continue
        for kind in kinds:
            if not scenario.reachable(kind.terrain, date):
                continue
            for slot in kind.slots:
                units = scenario.grid_durations(date, slot, kind)
                if units is not None:
                    longest = max(longest, grid * units[-1])
    return longest
