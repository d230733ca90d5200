"""Facts that shape the variables before any constraint: which kinds may go in a slot, and
for how long.

H01 (the slot is open and the session fits it on the grid), H02 (the terrain is reachable
that weekday) and H19 (no kind that stresses an injury) are facts of the athlete's week,
not choices, so they prune candidates instead of adding constraints: a kind that cannot
go in a slot never gets a variable there. Explanations quote these facts, never relax them.
"""

from __future__ import annotations

import datetime as dt

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
