"""The words of the domain: weekdays, slots, terrains, modalities, levels and the like.

Every enum here is a `StrEnum`, so a value reads and serialises as the word the scenario and
plan contracts use (``"mon"``, ``"trail"``, ``"hard"``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Weekday(StrEnum):
    """A day of the week, as scenario files spell it."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: dt.date) -> Weekday:
        """The weekday of a calendar date."""
        return WEEKDAYS[day.weekday()]


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


class Slot(StrEnum):
    """A training slot within a day; at most one session each (H03)."""

    AM = "am"
    PM = "pm"


SLOTS: tuple[Slot, ...] = tuple(Slot)


class Terrain(StrEnum):
    """Where a session happens. ``any`` needs no access (strength at home, say)."""

    ROAD = "road"
    TRACK = "track"
    TRAIL = "trail"
    HILLS = "hills"
    BIKE = "bike"
    POOL = "pool"
    GYM = "gym"
    ANY = "any"


#: Run terrains counted as road by road share (rules.md, "Units and words").
ROAD_TERRAINS = frozenset({Terrain.ROAD, Terrain.TRACK})
#: Terrains counted as trail by trail share and by "trail session".
TRAIL_TERRAINS = frozenset({Terrain.TRAIL, Terrain.HILLS})


class Modality(StrEnum):
    """What the athlete does."""

    RUN = "run"
    HIKE = "hike"
    BIKE = "bike"
    SWIM = "swim"
    STRENGTH = "strength"
    RACE = "race"


#: Cross-training modalities (H16).
CROSS_TRAINING = frozenset({Modality.BIKE, Modality.SWIM, Modality.STRENGTH})


class Intensity(StrEnum):
    """How hard a session feels overall."""

    EASY = "easy"
    MODERATE = "moderate"
    HARD = "hard"


class Level(StrEnum):
    """The athlete's training level; it sets the level-dependent rule defaults."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Stress(StrEnum):
    """Tissue stresses of a session kind, matched against injuries by H19."""

    IMPACT = "impact"
    DOWNHILL = "downhill"
    ANKLE = "ankle"


class Injury(StrEnum):
    """Injury tags an athlete may carry (H19)."""

    KNEE = "knee"
    ANKLE = "ankle"
    SHIN = "shin"
    STRESS_FRACTURE = "stress_fracture"


#: H19: which stress each injury excludes.
INJURY_STRESS: dict[Injury, Stress] = {
    Injury.KNEE: Stress.DOWNHILL,
    Injury.ANKLE: Stress.ANKLE,
    Injury.SHIN: Stress.IMPACT,
    Injury.STRESS_FRACTURE: Stress.IMPACT,
}


class System(StrEnum):
    """Physiological systems a session stimulates (trail-road's table, plus hike-run's
    musculoskeletal stability work)."""

    CARDIOPULMONARY = "cardiopulmonary"
    AEROBIC_METABOLIC = "aerobic_metabolic"
    ANAEROBIC_METABOLIC = "anaerobic_metabolic"
    NEUROMUSCULAR = "neuromuscular"
    BALANCE = "balance"
    MUSCULOSKELETAL = "musculoskeletal"


SYSTEMS: tuple[System, ...] = tuple(System)


class Phase(StrEnum):
    """A training phase of the periodised calendar."""

    BASE = "base"
    BUILD = "build"
    PEAK = "peak"
    TAPER = "taper"


class RaceKind(StrEnum):
    """The terrain a goal race is run on."""

    TRAIL = "trail"
    ROAD = "road"


class RecipeMode(StrEnum):
    """How recipe rules are treated: as the soft term S0 or as hard constraints."""

    SOFT = "soft"
    STRICT = "strict"


class RatioScope(StrEnum):
    """Where H15's terrain ratio bands are measured."""

    WEEK = "week"
    PHASE = "phase"
