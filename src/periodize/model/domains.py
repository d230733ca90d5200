"""Facts that shape the variables before any constraint: which kinds may go in a slot, and
for how long.

H01 (the slot is open and the session fits it on the grid), H02 (the terrain is reachable
that weekday), H03's slot part (a night run is pm only), H19 (no kind that stresses an
injury) and H21 (no trail-only kind in a road race's build, peak and taper) are facts of
the athlete's week and goal, not choices, so they prune candidates instead of adding
constraints: a kind that cannot go in a slot never gets a variable there. Explanations
quote these facts, never relax them (a pin that breaks H21 is checked in `safety`).
"""

from __future__ import annotations

import datetime as dt

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.scenario import Scenario
from periodize.vocabulary import Slot


def h01_grid_durations(
    scenario: Scenario, day: dt.date, slot: Slot, kind: SessionKind
) -> range | None:
    """H01: the durations (in grid units) a session of ``kind`` may take in this slot, or
    None when none fits: multiples of ``grid_minutes`` within the kind's minutes range and
    the slot's open minutes."""
    return scenario.grid_durations(day, slot, kind)


def h02_terrain_reachable(scenario: Scenario, day: dt.date, kind: SessionKind) -> bool:
    """H02: the kind's terrain can be reached on ``day``'s weekday."""
    return scenario.reachable(kind.terrain, day)


def h19_injury_free(scenario: Scenario, kind: SessionKind) -> bool:
    """H19: the kind stresses none of the athlete's injuries."""
    return not kind.excluded_by(scenario.athlete.injuries)


def h03_slot_allowed(kind: SessionKind, slot: Slot) -> bool:
    """H03: the kind may take ``slot`` (its ``slots``)."""
    return kind.allows(slot)


def h21_serves_the_race(scenario: Scenario, week: Week, kind: SessionKind) -> bool:
    """H21: in build, peak and taper weeks before a road race, only kinds that serve road
    races (a trail-only simulation or downhill drill does not)."""
    return scenario.serves_the_race(kind, week.phase)
