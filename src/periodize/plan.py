"""The plan: what the solver returns and every view reads (plan.md is the contract).

Each session carries everything a checker needs (kind, modality, terrain, minutes, load,
hard minutes, flags, stresses, systems), so a plan can be verified from its JSON alone.
Weekly aggregates are derived from the days by `summarise_week`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.heart_rate import Zones
from periodize.steps import Workout
from periodize.vocabulary import (
    ROAD_TERRAINS,
    SYSTEMS,
    TRAIL_TERRAINS,
    Intensity,
    Modality,
    Phase,
    RaceKind,
    Slot,
    Stress,
    System,
    Terrain,
    Weekday,
)
from periodize.workouts import KindFacts, session_steps


class Status(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Session(_Model):
    """One planned session, self-describing."""

    slot: Slot
    kind: str
    modality: Modality
    terrain: Terrain
    intensity: Intensity
    rpe: int
    minutes: int
    load: int
    work_share: float
    hard_minutes: int
    hard: bool
    long: bool
    simulation: bool
    demanding: bool = False
    """The kind's ``demanding`` flag; whether the session is demanding is derived (rules.md)."""
    climbing: bool = False
    races: tuple[RaceKind, ...] = (RaceKind.TRAIL, RaceKind.ROAD)
    slots: tuple[Slot, ...] = (Slot.AM, Slot.PM)
    stresses: tuple[Stress, ...]
    systems: dict[System, int]
    gear: tuple[str, ...]
    description: str
    steps: Workout = ()
    """The session as a watch runs it; they add up to ``minutes`` (periodize.workouts)."""

    @classmethod
    def of(cls, kind: SessionKind, slot: Slot, minutes: int, zones: Zones | None = None) -> Session:
        """A session of ``kind`` lasting ``minutes`` in ``slot``, its steps' targets in
        bpm when the athlete's heart-rate ``zones`` are known."""
        return cls(
            slot=slot,
            kind=kind.id,
            modality=kind.modality,
            terrain=kind.terrain,
            intensity=kind.intensity,
            rpe=kind.rpe,
            minutes=minutes,
            load=minutes * kind.rpe,
            work_share=kind.work_share,
            hard_minutes=kind.hard_minutes(minutes),
            hard=kind.hard,
            long=kind.long,
            simulation=kind.simulation,
            demanding=kind.demanding,
            climbing=kind.climbing,
            races=kind.races,
            slots=kind.slots,
            stresses=kind.stresses,
            systems=dict(kind.systems),
            gear=kind.gear,
            description=kind.description,
            steps=session_steps(KindFacts.of(kind), minutes, zones),
        )

    def workout(self) -> Workout:
        """The session's steps; for a plan written before sessions had steps, the steps
        its kind's facts give (zone targets without bpm, no scenario template)."""
        if self.steps:
            return self.steps
        facts = KindFacts(
            kind=self.kind,
            modality=self.modality,
            rpe=self.rpe,
            work_share_pct=round(self.work_share * 100),
            description=self.description,
        )
        return session_steps(facts, self.minutes)

    @property
    def is_race(self) -> bool:
        return self.modality is Modality.RACE


class Day(_Model):
    """One date of the plan; rest days have no sessions."""

    date: dt.date
    weekday: Weekday
    sessions: tuple[Session, ...] = ()


class WeekSummary(_Model):
    """A week's aggregates (race session excluded, as rules.md says)."""

    index: int
    start: dt.date
    days: int
    phase: Phase
    recovery: bool
    minutes: int
    load: int
    hard_minutes: int
    sessions: int
    hard_sessions: int
    rest_days: int
    road_share: float
    trail_share: float
    systems: dict[System, float]


class ShortfallType(StrEnum):
    """What a shortfall is: a recipe missed, an H15 waiver, or (re-plan) a rule instance
    the logged days alone already broke."""

    RECIPE = "recipe"
    WAIVER = "waiver"
    BROKEN_BY_LOG = "broken_by_log"


class Shortfall(_Model):
    """A recipe the plan misses (soft recipes), an H15 waiver, or in a re-plan a rule the
    log already broke, with its reason."""

    rule: str
    week: int | None = None
    type: ShortfallType = ShortfallType.RECIPE
    message: str


class Conflict(_Model):
    """Rules that cannot hold together (infeasible scenarios)."""

    rules: tuple[str, ...]
    week: int | None = None
    date: dt.date | None = None
    message: str


class Change(_Model):
    """A re-plan's change against the previous plan: one slot of a day from today on whose
    session differs (``before`` or ``after`` None: no session there)."""

    date: dt.date
    slot: Slot
    before: str | None = None
    after: str | None = None


class Stats(_Model):
    """How the solve went."""

    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    wall_time_s: float = 0.0
    workers: int = 0
    seed: int = 0
    time_limit_s: float = 0.0
    deterministic: bool = False
    variables: int = 0
    constraints: int = 0
    build_time_s: float = 0.0


class Plan(_Model):
    """A training plan: status, solve statistics, objective terms, weeks and days."""

    scenario: str
    status: Status
    stats: Stats = Stats()
    objective_terms: dict[str, int] = Field(default_factory=dict)
    weeks: tuple[WeekSummary, ...] = ()
    days: tuple[Day, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    replanned_from: dt.date | None = None
    """A re-plan's today: the days before it are what was done."""
    changes: tuple[Change, ...] = ()
    """A re-plan's changes against the previous plan, from today on."""

    @property
    def has_plan(self) -> bool:
        """Whether the plan holds days (optimal or feasible)."""
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    def sessions(self) -> list[tuple[dt.date, Session]]:
        """Every session with its date, in order."""
        return [(day.date, session) for day in self.days for session in day.sessions]

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan as JSON (plan.md)."""
        return self.model_dump_json(indent=indent)


Share = Annotated[float, Field(ge=0, le=1)]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def summarise_week(week: Week, days: Sequence[Day]) -> WeekSummary:
    """The aggregates of ``week`` computed from its ``days`` (race excluded)."""
    training = [s for day in days for s in day.sessions if not s.is_race]
    run_minutes = sum(s.minutes for s in training if s.modality is Modality.RUN)
    road = sum(
        s.minutes for s in training if s.modality is Modality.RUN and s.terrain in ROAD_TERRAINS
    )
    trail = sum(
        s.minutes for s in training if s.modality is Modality.RUN and s.terrain in TRAIL_TERRAINS
    )
    stimulus = dict.fromkeys(SYSTEMS, 0.0)
    for s in training:
        total_weight = sum(s.systems.values())
        for system, weight in s.systems.items():
            stimulus[system] += s.load * weight / total_weight
    total = sum(stimulus.values())
    return WeekSummary(
        index=week.index,
        start=week.start,
        days=week.days,
        phase=week.phase,
        recovery=week.recovery,
        minutes=sum(s.minutes for s in training),
        load=sum(s.load for s in training),
        hard_minutes=sum(s.hard_minutes for s in training),
        sessions=len(training),
        hard_sessions=sum(1 for day in days for s in day.sessions if s.hard),
        rest_days=sum(1 for day in days if not day.sessions),
        road_share=_share(road, run_minutes),
        trail_share=_share(trail, run_minutes),
        systems={
            system: round(value / total, 4) if total else 0.0 for system, value in stimulus.items()
        },
    )
