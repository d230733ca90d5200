"""Workout steps: the structure of a session as a watch runs it.

Two shapes of the same idea:

- `Step` and `Repeat` are a planned session's steps (the plan JSON's ``steps``): each
  step a duration in seconds and a target, a heart-rate zone range (with its bpm when the
  athlete's zones are known) or an RPE; a repeat a count of steps. They add up to the
  session's minutes exactly.
- `StepSpec` and `RepeatSpec` are a scenario's template for its own kind (``sessions:
  [{id: ..., steps: [...]}]``): durations as fixed ``minutes``, a ``share`` of the
  session, or neither (the step takes what is left), stretched to each session by
  `periodize.workouts`.

Repeats do not nest (intervals.icu's text format cannot say it, and no catalogue kind
needs it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from periodize.heart_rate import ZONE_COUNT

StepType = Literal["warmup", "steady", "work", "recovery", "cooldown"]
"""What a step is for: warm-up, a steady main part, a hard effort, the easy part between
efforts, or cool-down."""

ZoneNumber = Annotated[int, Field(ge=1, le=ZONE_COUNT)]
Rpe = Annotated[int, Field(ge=1, le=10)]
MAX_REPEATS = 100


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Target(_Frozen):
    """A step's target: a heart-rate zone range (lowest, highest), an RPE, or both."""

    zone: tuple[ZoneNumber, ZoneNumber] | None = None
    rpe: Rpe | None = None

    @field_validator("zone", mode="before")
    @classmethod
    def _zone_from_int(cls, value: object) -> object:
        """``zone: 2`` reads as the range 2-2."""
        return (value, value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _has_target(self) -> Self:
        if self.zone is None and self.rpe is None:
            raise ValueError("give a target: zone (1-5, or a range like [3, 4]) or rpe (1-10)")
        if self.zone is not None and self.zone[0] > self.zone[1]:
            raise ValueError(f"zone {list(self.zone)}: the lower zone comes first")
        return self


class Step(_Target):
    """One step of a planned session: its purpose, length and target. ``bpm`` is the
    zone range in beats per minute when the athlete's zones are known."""

    type: StepType
    seconds: Annotated[int, Field(ge=1, le=86_400)]
    bpm: tuple[int, int] | None = None


class Repeat(_Frozen):
    """Steps done ``count`` times in a row."""

    type: Literal["repeat"] = "repeat"
    count: Annotated[int, Field(ge=1, le=MAX_REPEATS)]
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]

    @property
    def seconds(self) -> int:
        """The repeat's whole length."""
        return self.count * sum(step.seconds for step in self.steps)


WorkoutPart = Annotated[Step | Repeat, Field(discriminator="type")]
Workout = tuple[WorkoutPart, ...]
"""A planned session's steps, in order."""


def total_seconds(workout: Sequence[Step | Repeat]) -> int:
    """The length of ``workout``: every step, repeats counted as often as they run."""
    return sum(part.seconds for part in workout)


def flat_steps(workout: Sequence[Step | Repeat]) -> Iterator[Step]:
    """Every step as it is done, repeats unrolled."""
    for part in workout:
        if isinstance(part, Repeat):
            for _ in range(part.count):
                yield from part.steps
        else:
            yield part


class StepSpec(_Target):
    """A template step of a scenario's kind: ``minutes`` (kept when the session allows),
    ``share`` (that part of the session) or neither (it shares what is left)."""

    type: StepType
    minutes: Annotated[float, Field(gt=0, le=1440)] | None = None
    share: Annotated[float, Field(gt=0, le=1)] | None = None

    @model_validator(mode="after")
    def _one_duration(self) -> Self:
        if self.minutes is not None and self.share is not None:
            raise ValueError("give minutes or share, not both")
        return self

    @property
    def flexible(self) -> bool:
        """Whether the step takes a part of what the fixed and shared steps leave."""
        return self.minutes is None and self.share is None


class RepeatSpec(_Frozen):
    """A template repeat: ``count`` times its steps, each with minutes or a share."""

    type: Literal["repeat"]
    count: Annotated[int, Field(ge=1, le=MAX_REPEATS)]
    steps: Annotated[tuple[StepSpec, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _sized_steps(self) -> Self:
        if any(step.flexible for step in self.steps):
            raise ValueError("each step in a repeat needs minutes or share")
        return self


def _one_outer_step(
    template: tuple[StepSpec | RepeatSpec, ...],
) -> tuple[StepSpec | RepeatSpec, ...]:
    if not any(isinstance(part, StepSpec) for part in template):
        raise ValueError(
            "steps need at least one step outside the repeats (a warm-up or cool-down): "
            "it takes up the session's odd seconds"
        )
    return template


StepTemplate = Annotated[
    tuple[Annotated[StepSpec | RepeatSpec, Field(discriminator="type")], ...],
    Field(min_length=1),
    AfterValidator(_one_outer_step),
]
"""A scenario kind's ``steps``: a template stretched to each session's minutes."""
