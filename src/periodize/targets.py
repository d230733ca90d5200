"""What a good week aims at: the load trajectory (S2) and the systems profile by phase (S1).

Both are plain numbers computed from the scenario before any solving, so the objective
stays linear: S2 measures each week's load against `target_loads`, S1 measures each
system's stimulus against `system_profile` scaled to that week's target load.
"""

from __future__ import annotations

from periodize.calendar import Week
from periodize.scenario import Scenario
from periodize.vocabulary import Level, Phase, RaceKind, System

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
        effort_km = race.distance_km + race.elevation_gain_m / 100
        demand = min(1.0, max(MIN_DEMAND, effort_km / FULL_DEMAND_EFFORT_KM))
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
