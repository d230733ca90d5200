"""The session catalogue: the kinds of session a plan is built from.

The built-in kinds live as data in ``catalogue.yaml`` beside this module; a scenario's
``sessions:`` entries add kinds or override built-in ones field by field. Nothing here knows
about the solver: a kind is a fact about training (rules.md, "Session kinds").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from periodize.steps import StepTemplate
from periodize.vocabulary import (
    CROSS_TRAINING,
    INJURY_STRESS,
    ROAD_TERRAINS,
    TRAIL_TERRAINS,
    Injury,
    Intensity,
    Modality,
    RaceKind,
    Slot,
    Stress,
    System,
    Terrain,
)

RACE_KIND = "race"
"""The id of the race session kind, placed on race day by H18."""

Minutes = Annotated[int, Field(ge=1, le=1440)]


class SessionKind(BaseModel):
    """One kind of session: what it is, how hard, how long, what it trains and what to wear.

    ``rpe`` is Foster's session-RPE on the CR-10 scale, so a session's load is minutes x RPE;
    ``work_share`` is the part of the session spent above threshold (0 for easy kinds).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    modality: Modality
    terrain: Terrain
    intensity: Intensity
    rpe: Annotated[int, Field(ge=1, le=10)]
    minutes: tuple[Minutes, Minutes]
    work_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    hard: bool = False
    long: bool = False
    simulation: bool = False
    demanding: bool = False
    climbing: bool = False
    races: tuple[RaceKind, ...] = (RaceKind.TRAIL, RaceKind.ROAD)
    slots: tuple[Slot, ...] = (Slot.AM, Slot.PM)
    stresses: tuple[Stress, ...] = ()
    systems: dict[System, Annotated[int, Field(ge=0, le=5)]]
    gear: tuple[str, ...] = ()
    description: Annotated[str, Field(min_length=1, max_length=300)]
    steps: StepTemplate | None = None
    """The kind's own workout template (periodize.steps); None: derived from its facts."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        lo, hi = self.minutes
        if lo > hi:
            raise ValueError(f"minutes [{lo}, {hi}]: the first number must not exceed the second")
        if self.intensity is Intensity.EASY and self.work_share > 0:
            raise ValueError("work_share must be 0 for an easy kind (no time above threshold)")
        if self.hard and self.intensity is not Intensity.HARD:
            raise ValueError("a kind flagged hard must have intensity: hard")
        if round(self.work_share * 100) != self.work_share * 100:
            raise ValueError("work_share has at most two decimals (e.g. 0.35)")
        if sum(self.systems.values()) <= 0:
            raise ValueError("systems needs at least one positive weight")
        if not self.races:
            raise ValueError("races needs at least one race kind (trail, road)")
        if not self.slots:
            raise ValueError("slots needs at least one slot (am, pm)")
        return self

    @property
    def work_share_pct(self) -> int:
        """``work_share`` in whole percent (it has at most two decimals)."""
        return round(self.work_share * 100)

    @property
    def is_run(self) -> bool:
        return self.modality is Modality.RUN

    @property
    def is_hike(self) -> bool:
        return self.modality is Modality.HIKE

    @property
    def is_road_run(self) -> bool:
        return self.is_run and self.terrain in ROAD_TERRAINS

    @property
    def is_trail_run(self) -> bool:
        return self.is_run and self.terrain in TRAIL_TERRAINS

    @property
    def is_trail_session(self) -> bool:
        """A run or hike on trail or hills (rules.md, "Units and words")."""
        return self.modality in (Modality.RUN, Modality.HIKE) and self.terrain in TRAIL_TERRAINS

    @property
    def is_cross_training(self) -> bool:
        return self.modality in CROSS_TRAINING

    @property
    def is_demanding(self) -> bool:
        """A session of this kind is demanding (H03, H06, H18): hard, a long run, or flagged
        ``demanding`` (technical downhill, simulations); a hike never is, since hike days are
        how hike-run training recovers."""
        if self.is_hike:
            return False
        return self.hard or (self.long and self.is_run) or self.demanding

    @property
    def is_strength(self) -> bool:
        return self.modality is Modality.STRENGTH

    @property
    def is_hill_session(self) -> bool:
        """A session on hills terrain or of a kind flagged ``climbing`` (H16)."""
        return self.terrain is Terrain.HILLS or self.climbing

    @property
    def is_easy(self) -> bool:
        return self.intensity is Intensity.EASY

    def serves(self, race_kind: RaceKind) -> bool:
        """Whether this kind prepares for a race of ``race_kind`` (H21)."""
        return race_kind in self.races

    def allows(self, slot: Slot) -> bool:
        """Whether a session of this kind may take ``slot`` (H03: a night run is pm only)."""
        return slot in self.slots

    @property
    def is_race(self) -> bool:
        return self.modality is Modality.RACE

    def hard_minutes(self, minutes: int) -> int:
        """Minutes above threshold of a session of this kind, rounded down."""
        return minutes * self.work_share_pct // 100

    def excluded_by(self, injuries: Iterable[Injury]) -> bool:
        """H19: whether any injury tag rules this kind out."""
        return any(INJURY_STRESS[tag] in self.stresses for tag in injuries)


class SessionKindOverride(BaseModel):
    """A scenario ``sessions:`` entry: a new kind (every field) or an override of a built-in
    kind by id (only the fields it changes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    modality: Modality | None = None
    terrain: Terrain | None = None
    intensity: Intensity | None = None
    rpe: Annotated[int, Field(ge=1, le=10)] | None = None
    minutes: tuple[Minutes, Minutes] | None = None
    work_share: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    hard: bool | None = None
    long: bool | None = None
    simulation: bool | None = None
    demanding: bool | None = None
    climbing: bool | None = None
    races: tuple[RaceKind, ...] | None = None
    slots: tuple[Slot, ...] | None = None
    stresses: tuple[Stress, ...] | None = None
    systems: dict[System, Annotated[int, Field(ge=0, le=5)]] | None = None
    gear: tuple[str, ...] | None = None
    description: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    steps: StepTemplate | None = None

    def given(self) -> dict[str, Any]:
        """The fields this entry sets."""
        return self.model_dump(exclude_none=True)


@cache
def builtin_kinds() -> Mapping[str, SessionKind]:
    """The built-in catalogue, read once from the packaged ``catalogue.yaml``."""
    text = resources.files("periodize").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    kinds = [SessionKind.model_validate(entry) for entry in entries]
    return {kind.id: kind for kind in kinds}


def merge_catalogue(overrides: Iterable[SessionKindOverride]) -> dict[str, SessionKind]:
    """The built-in kinds with a scenario's additions and overrides applied, by id.

    Raises ``ValueError`` naming the entry when a new kind lacks a field or a merged kind is
    inconsistent.
    """
    kinds: dict[str, SessionKind] = dict(builtin_kinds())
    for entry in overrides:
        base = kinds.get(entry.id)
        fields = entry.given()
        if base is None:
            missing = sorted(
                name
                for name, info in SessionKind.model_fields.items()
                if info.is_required() and name not in fields
            )
            if missing:
                raise ValueError(
                    f"sessions: new kind {entry.id!r} needs {', '.join(missing)} "
                    f"(or use the id of a built-in kind to override it)"
                )
            where, merged = f"new kind {entry.id!r}", fields
        else:
            where, merged = f"override of {entry.id!r}", base.model_dump() | fields
        try:
            kinds[entry.id] = SessionKind.model_validate(merged)
        except ValidationError as error:
            raise ValueError(f"sessions: {where}: {_problems(error)}") from None
    return kinds


def _problems(error: ValidationError) -> str:
    """A validation error as one short line (``key: problem; ...``), without pydantic's
    type names and links."""
    lines = []
    for detail in error.errors():
        message = detail["msg"].removeprefix("Value error, ")
        key = ".".join(str(part) for part in detail["loc"])
        lines.append(f"{key}: {message}" if key else message)
    return "; ".join(lines)
