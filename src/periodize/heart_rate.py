"""Heart-rate zones: the athlete's ``hr`` settings, the five zones they give, and the
readings both ways (a zone's bpm range for a workout target, an average heart rate's
effort for a training log).

Five zones by one of two named methods, both with the same percent bounds (50, 60, 70,
80, 90, 100):

- ``max``: percent of maximum heart rate (Garmin's and most watches' default).
- ``reserve``: percent of heart-rate reserve, ``rest + p x (max - rest)`` (Karvonen).

Or explicit ``zones``: six ascending bpm bounds, zone n running from the n-th to the
(n+1)-th. Without a ``method``, ``reserve`` is used when ``rest`` is given, else ``max``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

ZONE_COUNT = 5
"""Zones 1 (very easy) to 5 (maximal)."""
ZONE_PERCENTS = (50, 60, 70, 80, 90, 100)
"""The bounds of zones 1-5 in percent of maximum heart rate or of heart-rate reserve."""

Bpm = Annotated[int, Field(ge=30, le=250)]


class ZoneMethod(StrEnum):
    """How zones are derived from maximum (and resting) heart rate."""

    MAX = "max"
    """Percent of maximum heart rate."""
    RESERVE = "reserve"
    """Percent of heart-rate reserve (Karvonen): needs ``rest``."""


class HeartRate(BaseModel):
    """The athlete's ``hr``: maximum and resting heart rate, or explicit zone bounds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max: Annotated[int, Field(ge=100, le=250)] | None = None
    rest: Annotated[int, Field(ge=25, le=120)] | None = None
    method: ZoneMethod | None = None
    zones: tuple[Bpm, Bpm, Bpm, Bpm, Bpm, Bpm] | None = None

    @model_validator(mode="after")
    def _enough(self) -> Self:
        if self.zones is not None:
            if self.method is not None:
                raise ValueError("zones and method exclude each other: give one")
            if any(a >= b for a, b in zip(self.zones, self.zones[1:], strict=False)):
                raise ValueError(
                    "zones: six bounds in strictly ascending bpm, "
                    "e.g. [94, 113, 132, 150, 169, 188]"
                )
            return self
        if self.max is None:
            raise ValueError("give max (maximum heart rate, e.g. max: 188) or six zone bounds")
        if self.rest is not None and self.rest >= self.max - 20:
            raise ValueError(f"rest {self.rest} must be well below max {self.max}")
        if self.method is ZoneMethod.RESERVE and self.rest is None:
            raise ValueError("method reserve needs rest (resting heart rate, e.g. rest: 52)")
        return self

    def zones_bpm(self) -> Zones:
        """The five zones these settings give."""
        if self.zones is not None:
            return Zones(self.zones, "explicit")
        assert self.max is not None  # _enough
        method = self.method or (ZoneMethod.RESERVE if self.rest is not None else ZoneMethod.MAX)
        floor = self.rest if method is ZoneMethod.RESERVE and self.rest is not None else 0
        bounds = tuple(round(floor + p / 100 * (self.max - floor)) for p in ZONE_PERCENTS)
        return Zones(bounds, method.value)


@dataclass(frozen=True)
class Zones:
    """Six ascending bpm bounds: zone n runs from ``bounds[n - 1]`` to ``bounds[n]``;
    ``method`` names where they came from (max, reserve or explicit)."""

    bounds: tuple[int, ...]
    method: str

    def bpm(self, low_zone: int, high_zone: int) -> tuple[int, int]:
        """The bpm range from the bottom of ``low_zone`` to the top of ``high_zone``."""
        return self.bounds[low_zone - 1], self.bounds[high_zone]

    def position(self, bpm: float) -> float:
        """Where ``bpm`` lies on the zone scale: 1.0 at the bottom of zone 1, 2.5 half way
        through zone 2, 6.0 at the top of zone 5 (clamped to 0.0-6.0 outside)."""
        bounds = self.bounds
        if bpm < bounds[0]:
            return max(0.0, bpm / bounds[0])
        for zone in range(1, ZONE_COUNT + 1):
            low, high = bounds[zone - 1], bounds[zone]
            if bpm < high:
                return zone + (bpm - low) / (high - low)
        return float(ZONE_COUNT + 1)

    def text(self) -> str:
        """E.g. ``Z1 94-113, Z2 113-132, ... bpm (reserve)``."""
        parts = [f"Z{n} {self.bounds[n - 1]}-{self.bounds[n]}" for n in range(1, ZONE_COUNT + 1)]
        return f"{', '.join(parts)} bpm ({self.method})"


def rpe_from_heart_rate(average_bpm: float, zones: Zones) -> int:
    """A session-RPE (CR-10) for a session of ``average_bpm``: each zone spans two RPE
    points, its lower half the first and its upper half the second (zone 1: 1-2, zone 2:
    3-4, zone 3: 5-6, zone 4: 7-8, zone 5: 9-10); below zone 1 is RPE 1. An average
    understates sessions of short hard repeats, which is why a log shows the inference."""
    position = zones.position(average_bpm)
    if position < 1.0:
        return 1
    zone = min(ZONE_COUNT, math.floor(position))
    upper_half = position - zone >= 0.5 or position >= ZONE_COUNT + 1
    return 2 * zone - 1 + int(upper_half)
